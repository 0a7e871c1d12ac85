package dev.outrigger.asl;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.outrigger.asl.Asl.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IntrinsicsTest {
    private static final String INPUT = """
            {"s": "hello world", "n": 3, "list": [1, 2, 3, 4, 5], "dups": [1, 1, {"a": 1}, {"a": 1}, "x"],
             "o": {"a": 1, "b": {"c": 1}}, "p": {"b": {"d": 2}}, "json": "{\\"k\\":[1,true]}", "csv": "a,b;;c"}""";

    private static JsonNode eval(String expr) {
        String params = "{\"r.$\": " + Asl.MAPPER.getNodeFactory().textNode(expr) + "}";
        return Asl.params(params, INPUT).get("r");
    }

    private static ExecutionResult evalResult(String expr) {
        String d = "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Parameters\":{\"r.$\":"
                + Asl.MAPPER.getNodeFactory().textNode(expr) + "},\"End\":true}}}";
        return Asl.run(d, INPUT);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "States.Format('{} has {} items, ok={}, none={}', $.s, $.n, true, null)|\"hello world has 3 items, ok=true, none=null\"",
            "States.Format('literal \\{\\} and {}', 'x')|\"literal {} and x\"",
            "States.Format('it\\'s {}', $.n)|\"it's 3\"",
            "States.StringToJson($.json)|{\"k\":[1,true]}",
            "States.JsonToString($.o)|\"{\\\"a\\\":1,\\\"b\\\":{\\\"c\\\":1}}\"",
            "States.Array($.n, 'a', States.Array(1))|[3,\"a\",[1]]",
            "States.Array()|[]",
            "States.ArrayPartition($.list, 2)|[[1,2],[3,4],[5]]",
            "States.ArrayContains($.list, 4)|true",
            "States.ArrayContains($.dups, $.o)|false",
            "States.ArrayRange(1, 9, 2)|[1,3,5,7,9]",
            "States.ArrayRange(5, 1, -2)|[5,3,1]",
            "States.ArrayGetItem($.list, 4)|5",
            "States.ArrayLength($.list)|5",
            "States.ArrayUnique($.dups)|[1,{\"a\":1},\"x\"]",
            "States.Base64Encode($.s)|\"aGVsbG8gd29ybGQ=\"",
            "States.Base64Decode('aGVsbG8gd29ybGQ=')|\"hello world\"",
            "States.Hash($.s, 'MD5')|\"5eb63bbbe01eeed093cb22bb8f5acdc3\"",
            "States.Hash($.s, 'SHA-1')|\"2aae6c35c94fcfb415dbe95f408b9ce91ee846ed\"",
            "States.Hash($.s, 'SHA-256')|\"b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9\"",
            "States.Hash($.s, 'SHA-384')|\"fdbd8e75a67f29f701a4e040385e2e23986303ea10239211af907fcbb83578b3e417cb71ce646efd0819dd8c088de1bd\"",
            "States.JsonMerge($.o, $.p, false)|{\"a\":1,\"b\":{\"d\":2}}",
            "States.MathAdd($.n, -10)|-7",
            "States.MathRandom(5, 6)|5",
            "States.StringSplit($.csv, ',;')|[\"a\",\"b\",\"c\"]",
            "States.ArrayGetItem(States.StringSplit($.s, ' '), 1)|\"world\""
    })
    void intrinsic_returnsDocumentedValue(String expr, String expected) {
        JsonNode actual = eval(expr);
        assertThat(Asl.same(actual, json(expected))).as("%s gave %s", expr, actual).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "States.ArrayGetItem($.list, 5)",
            "States.ArrayGetItem($.s, 0)",
            "States.ArrayPartition($.list, 0)",
            "States.ArrayRange(1, 2000, 1)",
            "States.ArrayRange(1, 2, 0)",
            "States.MathAdd($.s, 1)",
            "States.MathAdd(1.5, 1)",
            "States.MathRandom(5, 5)",
            "States.StringToJson('{nope')",
            "States.Base64Decode('***')",
            "States.Hash($.s, 'SHA-3')",
            "States.JsonMerge($.o, $.p, true)",
            "States.JsonMerge($.o, $.list, false)",
            "States.Format('{} {}', 'one')",
            "States.Format('{}', $.o)",
            "States.StringSplit($.n, ',')",
            "States.Base64Encode($.n)"
    })
    void intrinsic_withBadArguments_failsWithIntrinsicFailure(String expr) {
        ExecutionResult r = evalResult(expr);
        assertThat(r.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(r.error()).isEqualTo(Errors.INTRINSIC_FAILURE);
        assertThat(r.cause()).contains(expr.substring(0, expr.indexOf('(')));
    }

    @Test
    void intrinsic_pathArgumentMissing_failsWithParameterPathFailure() {
        ExecutionResult r = evalResult("States.ArrayLength($.missing)");
        assertThat(r.error()).isEqualTo(Errors.PARAMETER_PATH_FAILURE);
    }

    @Test
    void uuid_isVersion4AndRepeatsForTheSameSeed() {
        String a = eval("States.UUID()").asText();
        String b = eval("States.UUID()").asText();
        assertThat(a).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}").isEqualTo(b);
    }

    @Test
    void mathRandom_staysInRangeAndHonoursItsSeed() {
        for (int i = 0; i < 20; i++) {
            int v = eval("States.MathRandom(10, 20, " + i + ")").intValue();
            assertThat(v).isBetween(10, 19);
        }
        assertThat(eval("States.MathRandom(0, 1000, 7)")).isEqualTo(eval("States.MathRandom(0, 1000, 7)"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "States.Nope($.a)|is not an intrinsic function",
            "States.UUID(1)|takes 0 argument",
            "States.ArrayLength()|takes 1 argument",
            "States.Format($.a)|first argument of States.Format must be a string literal",
            "States.Array('unterminated)|unterminated string literal"
    })
    void definition_withMalformedIntrinsic_isRejectedAtLoad(String expr, String message) {
        String d = "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Parameters\":{\"r.$\":"
                + Asl.MAPPER.getNodeFactory().textNode(expr) + "},\"End\":true}}}";
        assertThatThrownBy(() -> Asl.def(d)).isInstanceOf(AslDefinitionException.class)
                .hasMessageContaining("state \"A\"").hasMessageContaining("Parameters.r.$").hasMessageContaining(message);
    }
}
