package dev.outrigger.asl;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static dev.outrigger.asl.Asl.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonPathTest {
    private static final JsonNode DOC = json("""
            {"a": {"b": [10, 20, 30, 40]}, "odd key": 1, "items": [{"n": 1, "t": "x"}, {"n": 2, "t": "y"}, {"n": 3}],
             "deep": {"x": {"name": "inner"}, "name": "outer"}}""");

    private static JsonNode read(String path) {
        return JsonPath.parse(path).read(DOC, json("{\"State\":{\"Name\":\"S\"}}"), Map.of("v", json("{\"k\":5}")));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "$.a.b[1]|20",
            "$['a']['b'][0]|10",
            "$[\"odd key\"]|1",
            "$.a.b[-1]|40",
            "$.a.b[*]|[10,20,30,40]",
            "$.a.b[1:3]|[20,30]",
            "$.a.b[:2]|[10,20]",
            "$.a.b[0,2]|[10,30]",
            "$.items[*].n|[1,2,3]",
            "$.items[?(@.n > 1)].n|[2,3]",
            "$.items[?(@.t == 'x')].n|[1]",
            "$.items[?(@.t)].n|[1,2]",
            "$.items[?(@.n >= 2 && @.t != 'y')].n|[3]",
            "$..name|[\"outer\",\"inner\"]",
            "$$.State.Name|\"S\"",
            "$v.k|5",
            "$|" + "{\"a\":{\"b\":[10,20,30,40]},\"odd key\":1,\"items\":[{\"n\":1,\"t\":\"x\"},{\"n\":2,\"t\":\"y\"},{\"n\":3}],\"deep\":{\"x\":{\"name\":\"inner\"},\"name\":\"outer\"}}"
    })
    void read_returnsValueForDefinitePathsAndListsForIndefinite(String path, String expected) {
        assertThat(Asl.same(read(path), json(expected))).as("%s gave %s", path, read(path)).isTrue();
    }

    @Test
    void definitePath_missing_throwsPathNotFound() {
        assertThatThrownBy(() -> read("$.a.nope")).isInstanceOf(JsonPath.PathNotFoundException.class);
        assertThatThrownBy(() -> read("$.a.b[9]")).isInstanceOf(JsonPath.PathNotFoundException.class);
    }

    @Test
    void indefinitePath_noMatch_returnsEmptyList() {
        assertThat(read("$.items[?(@.n > 10)]")).isEqualTo(json("[]"));
    }

    @Test
    void isDefinite_onlyForNamesAndIndices() {
        assertThat(JsonPath.parse("$.a['b'][0]").isDefinite()).isTrue();
        assertThat(JsonPath.parse("$.a[*]").isDefinite()).isFalse();
        assertThat(JsonPath.parse("$..a").isDefinite()).isFalse();
    }

    @Test
    void set_createsMissingObjectsAndRejectsStepsThroughScalars() {
        assertThat(JsonPath.parse("$.x.y").set(json("{\"x\":{\"k\":1}}"), json("2")))
                .isEqualTo(json("{\"x\":{\"k\":1,\"y\":2}}"));
        assertThat(JsonPath.parse("$.l[1]").set(json("{\"l\":[0,0]}"), json("9"))).isEqualTo(json("{\"l\":[0,9]}"));
        assertThatThrownBy(() -> JsonPath.parse("$.x.y").set(json("{\"x\":\"s\"}"), json("2")))
                .isInstanceOf(StatesError.class)
                .satisfies(e -> assertThat(((StatesError) e).error).isEqualTo(Errors.RESULT_PATH_MATCH_FAILURE));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"a.b", "$.", "$[", "$.a[?(@.x ~ 1)]", "$.a[x]"})
    void parse_rejectsMalformedPaths(String path) {
        assertThatThrownBy(() -> JsonPath.parse(path)).isInstanceOf(JsonPath.InvalidPathException.class);
    }
}
