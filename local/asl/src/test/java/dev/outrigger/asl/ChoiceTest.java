package dev.outrigger.asl;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class ChoiceTest {
    private static final String INPUT = """
            {"s": "mango", "s2": "mango", "sLow": "apple", "n": 5, "n2": 5.0, "nBig": 10, "b": true, "bFalse": false,
             "t": "2026-05-01T12:00:00Z", "tSame": "2026-05-01T14:00:00+02:00", "tLater": "2026-06-01T00:00:00Z",
             "nul": null, "file": "logs/app*.log", "notTs": "yesterday"}""";

    /** Runs a Choice with one rule; returns "yes" when it matched, "no" when Default was taken. */
    private static String decide(String rule) {
        String d = """
                {"StartAt": "C", "States": {
                  "C": {"Type": "Choice", "Choices": [%s], "Default": "No"},
                  "Yes": {"Type": "Pass", "Result": "yes", "End": true},
                  "No": {"Type": "Pass", "Result": "no", "End": true}}}""".formatted(rule.substring(0, rule.length() - 1) + ", \"Next\": \"Yes\"}");
        ExecutionResult r = Asl.run(d, INPUT);
        assertThat(r.status()).as("%s: %s %s", rule, r.error(), r.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
        return r.output().asText();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "{'Variable':'$.s','StringEquals':'mango'}|yes",
            "{'Variable':'$.s','StringEquals':'kiwi'}|no",
            "{'Variable':'$.s','StringEqualsPath':'$.s2'}|yes",
            "{'Variable':'$.sLow','StringLessThan':'banana'}|yes",
            "{'Variable':'$.sLow','StringLessThanPath':'$.s'}|yes",
            "{'Variable':'$.s','StringGreaterThan':'kiwi'}|yes",
            "{'Variable':'$.s','StringGreaterThanPath':'$.sLow'}|yes",
            "{'Variable':'$.s','StringLessThanEquals':'mango'}|yes",
            "{'Variable':'$.s','StringLessThanEqualsPath':'$.sLow'}|no",
            "{'Variable':'$.s','StringGreaterThanEquals':'mango'}|yes",
            "{'Variable':'$.sLow','StringGreaterThanEqualsPath':'$.s'}|no",
            "{'Variable':'$.n','NumericEquals':5}|yes",
            "{'Variable':'$.n','NumericEqualsPath':'$.n2'}|yes",
            "{'Variable':'$.n','NumericLessThan':5.5}|yes",
            "{'Variable':'$.n','NumericLessThanPath':'$.nBig'}|yes",
            "{'Variable':'$.n','NumericGreaterThan':5}|no",
            "{'Variable':'$.nBig','NumericGreaterThanPath':'$.n'}|yes",
            "{'Variable':'$.n','NumericLessThanEquals':5}|yes",
            "{'Variable':'$.nBig','NumericLessThanEqualsPath':'$.n'}|no",
            "{'Variable':'$.n','NumericGreaterThanEquals':6}|no",
            "{'Variable':'$.n','NumericGreaterThanEqualsPath':'$.n2'}|yes",
            "{'Variable':'$.b','BooleanEquals':true}|yes",
            "{'Variable':'$.b','BooleanEqualsPath':'$.bFalse'}|no",
            "{'Variable':'$.t','TimestampEquals':'2026-05-01T12:00:00Z'}|yes",
            "{'Variable':'$.t','TimestampEqualsPath':'$.tSame'}|yes",
            "{'Variable':'$.t','TimestampLessThan':'2026-05-01T12:00:01Z'}|yes",
            "{'Variable':'$.t','TimestampLessThanPath':'$.tLater'}|yes",
            "{'Variable':'$.t','TimestampGreaterThan':'2026-05-01T12:00:00Z'}|no",
            "{'Variable':'$.tLater','TimestampGreaterThanPath':'$.t'}|yes",
            "{'Variable':'$.t','TimestampLessThanEquals':'2026-05-01T12:00:00Z'}|yes",
            "{'Variable':'$.tLater','TimestampLessThanEqualsPath':'$.t'}|no",
            "{'Variable':'$.t','TimestampGreaterThanEquals':'2026-05-01T12:00:00Z'}|yes",
            "{'Variable':'$.t','TimestampGreaterThanEqualsPath':'$.tLater'}|no",
            "{'Variable':'$.notTs','TimestampEquals':'2026-05-01T12:00:00Z'}|no",
            "{'Variable':'$.s','NumericEquals':5}|no",
            "{'Variable':'$.n','StringEquals':'5'}|no",
            "{'Variable':'$.missing','IsPresent':false}|yes",
            "{'Variable':'$.s','IsPresent':true}|yes",
            "{'Variable':'$.nul','IsNull':true}|yes",
            "{'Variable':'$.s','IsNull':true}|no",
            "{'Variable':'$.n2','IsNumeric':true}|yes",
            "{'Variable':'$.s','IsNumeric':false}|yes",
            "{'Variable':'$.s','IsString':true}|yes",
            "{'Variable':'$.bFalse','IsBoolean':true}|yes",
            "{'Variable':'$.t','IsTimestamp':true}|yes",
            "{'Variable':'$.notTs','IsTimestamp':true}|no",
            "{'Variable':'$.s','StringMatches':'m*o'}|yes",
            "{'Variable':'$.s','StringMatches':'*an*'}|yes",
            "{'Variable':'$.s','StringMatches':'m*x'}|no",
            "{'Variable':'$.file','StringMatches':'logs/app\\\\*.log'}|yes",
            "{'Variable':'$.s','StringMatches':'mang\\\\*'}|no",
            "{'And':[{'Variable':'$.n','NumericEquals':5},{'Variable':'$.b','BooleanEquals':true}]}|yes",
            "{'And':[{'Variable':'$.n','NumericEquals':5},{'Variable':'$.b','BooleanEquals':false}]}|no",
            "{'Or':[{'Variable':'$.n','NumericEquals':4},{'Variable':'$.b','BooleanEquals':true}]}|yes",
            "{'Not':{'Variable':'$.s','StringEquals':'kiwi'}}|yes",
            "{'Not':{'Or':[{'Variable':'$.missing','IsPresent':true},{'Variable':'$.n','NumericEquals':5}]}}|no"
    })
    void rule_evaluatesLikeAws(String rule, String expected) {
        assertThat(decide(rule.replace('\'', '"'))).isEqualTo(expected);
    }

    @Test
    void choice_withoutMatchOrDefault_failsWithNoChoiceMatched() {
        ExecutionResult r = Asl.run("""
                {"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericEquals":1,"Next":"X"}]},
                 "X":{"Type":"Succeed"}}}""", "{\"n\": 2}");
        assertThat(r.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(r.error()).isEqualTo(Errors.NO_CHOICE_MATCHED);
    }

    @Test
    void choice_variableMissing_failsWithRuntime() {
        ExecutionResult r = Asl.run("""
                {"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.gone","NumericEquals":1,"Next":"X"}],
                 "Default":"X"},"X":{"Type":"Succeed"}}}""", "{}");
        assertThat(r.error()).isEqualTo(Errors.RUNTIME);
        assertThat(r.cause()).contains("$.gone");
    }

    @Test
    void choice_firstMatchingRuleWins_andOutputIsTheInputThroughOutputPath() {
        ExecutionResult r = Asl.run("""
                {"StartAt":"C","States":{"C":{"Type":"Choice","OutputPath":"$.keep","Choices":[
                  {"Variable":"$.n","NumericGreaterThan":1,"Next":"First"},
                  {"Variable":"$.n","NumericGreaterThan":0,"Next":"Second"}]},
                 "First":{"Type":"Pass","End":true},"Second":{"Type":"Fail","Error":"Wrong"}}}""",
                "{\"n\": 2, \"keep\": {\"k\": 1}}");
        assertThat(r.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(r.output()).isEqualTo(Asl.json("{\"k\":1}"));
        assertThat(r.history()).extracting(HistoryEvent::stateName).containsExactly("C", "First");
    }
}
