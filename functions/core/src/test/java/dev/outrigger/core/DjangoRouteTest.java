package dev.outrigger.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DjangoRouteTest {
    private static JsonNode json(String text) throws Exception {
        return Json.MAPPER.readTree(text);
    }

    @Test
    void routes_areRelativeToTheBaseUrl_andTheirBodiesNameTheAction() {
        assertThat(DjangoRoute.task("reports.generate").path()).isEqualTo("tasks/reports.generate");
        assertThat(DjangoRoute.hook("hook:billing.month-end").path()).isEqualTo("hooks/hook:billing.month-end");
        assertThat(DjangoRoute.MAINTENANCE.path()).isEqualTo("maintenance");
        assertThat(DjangoRoute.VERIFY_WRITES.path()).isEqualTo("verify-writes");

        assertThat(DjangoRoute.task("reports.generate").newBody().toString()).isEqualTo("{\"task\":\"reports.generate\"}");
        assertThat(DjangoRoute.hook("clearsessions").newBody().toString()).isEqualTo("{\"hook\":\"clearsessions\"}");
        assertThat(DjangoRoute.MAINTENANCE.newBody().toString()).isEqualTo("{\"action\":\"maintenance\"}");
        assertThat(DjangoRoute.VERIFY_WRITES.newBody().toString()).isEqualTo("{\"action\":\"verify-writes\"}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "a/b", "a?b", "a#b", "a%2fb", "a b", "t\u00e2che", "a\nb"})
    void task_andHook_refuseANameThatIsNotOnePlainSegment(String name) {
        assertThatThrownBy(() -> DjangoRoute.task(name)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DjangoRoute.hook(name)).isInstanceOf(IllegalArgumentException.class);
        assertThat(DjangoRoute.parse("tasks/" + name)).isEmpty();
    }

    @Test
    void parse_readsEveryRouteBack_andNothingElse() {
        assertThat(DjangoRoute.parse("tasks/reports.generate")).contains(DjangoRoute.task("reports.generate"));
        assertThat(DjangoRoute.parse("hooks/clearsessions")).contains(DjangoRoute.hook("clearsessions"));
        assertThat(DjangoRoute.parse("maintenance")).contains(DjangoRoute.MAINTENANCE);
        assertThat(DjangoRoute.parse("verify-writes")).contains(DjangoRoute.VERIFY_WRITES);
        assertThat(DjangoRoute.parse("tasks/")).isEmpty();
        assertThat(DjangoRoute.parse("tasks/a/")).isEmpty();
        assertThat(DjangoRoute.parse("/tasks/a")).isEmpty();
        assertThat(DjangoRoute.parse("maintenance/")).isEmpty();
        assertThat(DjangoRoute.parse("admin/login")).isEmpty();
        assertThat(DjangoRoute.parse(null)).isEmpty();
    }

    @Test
    void isNamedBy_needsTheMatchingActionAndNoOther() throws Exception {
        DjangoRoute task = DjangoRoute.task("reports.generate");
        assertThat(task.isNamedBy(json("{\"task\":\"reports.generate\",\"id\":\"j\"}"))).isTrue();
        assertThat(task.isNamedBy(json("{\"task\":\"reports.other\",\"id\":\"j\"}"))).isFalse();
        assertThat(task.isNamedBy(json("{\"id\":\"j\",\"payload\":{\"task\":\"reports.generate\"}}"))).isFalse();
        assertThat(task.isNamedBy(json("{\"task\":\"reports.generate\",\"hook\":\"reports.generate\"}"))).isFalse();
        assertThat(task.isNamedBy(json("{\"task\":\"reports.generate\",\"action\":\"maintenance\"}"))).isFalse();
        assertThat(task.isNamedBy(json("{\"task\":[\"reports.generate\"]}"))).isFalse();
        assertThat(task.isNamedBy(json("[]"))).isFalse();
        assertThat(task.isNamedBy(null)).isFalse();

        assertThat(DjangoRoute.hook("reports.generate").isNamedBy(json("{\"task\":\"reports.generate\"}"))).isFalse();
        assertThat(DjangoRoute.MAINTENANCE.isNamedBy(json("{\"action\":\"maintenance\",\"enabled\":true}"))).isTrue();
        assertThat(DjangoRoute.MAINTENANCE.isNamedBy(json("{\"action\":\"verify-writes\"}"))).isFalse();
        assertThat(DjangoRoute.VERIFY_WRITES.isNamedBy(json("{\"action\":\"maintenance\",\"enabled\":true}"))).isFalse();
        assertThat(DjangoRoute.VERIFY_WRITES.isNamedBy(json("{}"))).isFalse();
    }
}
