package dev.outrigger.asl;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AslDefinitionTest {

    /** Definitions are written with ' for " to keep the table readable. */
    private static void rejects(String definition, String message) {
        assertThatThrownBy(() -> AslDefinition.parse(definition.replace('\'', '"'), "deploy.asl.json"))
                .isInstanceOf(AslDefinitionException.class)
                .hasMessageStartingWith("deploy.asl.json: ")
                .hasMessageContaining(message);
    }

    @Test
    void nextNamingNoState_isRejectedWithSourceStateAndField() {
        rejects("{'StartAt':'RollWeb','States':{'RollWeb':{'Type':'Pass','Next':'Nope'}}}",
                "state \"RollWeb\": Next \"Nope\" names no state");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "{'States':{'A':{'Type':'Succeed'}}}|StartAt is required",
            "{'StartAt':'B','States':{'A':{'Type':'Succeed'}}}|StartAt \"B\" names no state",
            "{'StartAt':'A','States':{}}|States is required and must be a non-empty object",
            "{'StartAt':'A','States':{'A':{'Type':'Succeed'}},'Extra':1}|unknown top-level field \"Extra\"",
            "{'StartAt':'A','TimeoutSeconds':0,'States':{'A':{'Type':'Succeed'}}}|TimeoutSeconds must be a positive integer",
            "{'StartAt':'A','States':{'A':{'Type':'Bogus'}}}|state \"A\": Type \"Bogus\" is not a state type",
            "{'StartAt':'A','States':{'A':{'Type':'Pass'}}}|state \"A\": has neither Next nor End",
            "{'StartAt':'A','States':{'A':{'Type':'Pass','End':true,'Next':'A'}}}|state \"A\": has both Next and End",
            "{'StartAt':'A','States':{'A':{'Type':'Pass','End':true,'Resource':'x'}}}|state \"A\": field \"Resource\" is not valid in a Pass state",
            "{'StartAt':'A','States':{'A':{'Type':'Succeed','Next':'A'}}}|state \"A\": field \"Next\" is not valid in a Succeed state",
            "{'StartAt':'A','States':{'A':{'Type':'Pass','End':true},'B':{'Type':'Succeed'}}}|state \"B\": is not reachable",
            "{'StartAt':'A','States':{'A':{'Type':'Task','End':true}}}|state \"A\": Resource is required",
            "{'StartAt':'A','States':{'A':{'Type':'Task','Resource':'arn:aws:lambda:us-east-1:1:function:f','TimeoutSeconds':5,'HeartbeatSeconds':5,'End':true}}}|HeartbeatSeconds must be smaller than TimeoutSeconds",
            "{'StartAt':'A','States':{'A':{'Type':'Task','Resource':'arn:x','TimeoutSeconds':5,'TimeoutSecondsPath':'$.t','End':true}}}|TimeoutSeconds and TimeoutSecondsPath cannot both be set",
            "{'StartAt':'A','States':{'A':{'Type':'Pass','InputPath':'a.b','End':true}}}|state \"A\": InputPath",
            "{'StartAt':'A','States':{'A':{'Type':'Pass','ResultPath':'$.a[*]','End':true}}}|ResultPath \"$.a[*]\" must be a reference path",
            "{'StartAt':'A','States':{'A':{'Type':'Pass','Parameters':{'x.$':'nope'},'End':true}}}|Parameters.x.$ must be a JSONPath or an intrinsic function",
            "{'StartAt':'A','States':{'A':{'Type':'Pass','Parameters':{'x.$':5},'End':true}}}|Parameters.x.$ must be a string",
            "{'StartAt':'A','States':{'A':{'Type':'Wait','End':true}}}|needs exactly one of Seconds, Timestamp, SecondsPath, TimestampPath",
            "{'StartAt':'A','States':{'A':{'Type':'Wait','Seconds':1,'SecondsPath':'$.s','End':true}}}|got Seconds and SecondsPath",
            "{'StartAt':'A','States':{'A':{'Type':'Wait','Timestamp':'tomorrow','End':true}}}|Timestamp must be an RFC 3339 timestamp",
            "{'StartAt':'A','States':{'A':{'Type':'Fail','Error':'E','ErrorPath':'$.e'}}}|Error and ErrorPath cannot both be set",
            "{'StartAt':'A','States':{'A':{'Type':'Choice','Choices':[]}}}|Choices is required and must be a non-empty array",
            "{'StartAt':'A','States':{'A':{'Type':'Choice','Choices':[{'Variable':'$.x','StringEquals':'a'}]}}}|Choices[0].Next is required",
            "{'StartAt':'A','States':{'A':{'Type':'Choice','Choices':[{'Variable':'$.x','StringEquals':1,'Next':'B'}]},'B':{'Type':'Succeed'}}}|Choices[0].StringEquals must be a string",
            "{'StartAt':'A','States':{'A':{'Type':'Choice','Choices':[{'Variable':'$.x','NumericEquals':1,'StringEquals':'a','Next':'B'}]},'B':{'Type':'Succeed'}}}|must have exactly one comparison operator",
            "{'StartAt':'A','States':{'A':{'Type':'Choice','Choices':[{'Variable':'$.x','StringEqualz':'a','Next':'B'}]},'B':{'Type':'Succeed'}}}|Choices[0]: unknown field \"StringEqualz\"",
            "{'StartAt':'A','States':{'A':{'Type':'Choice','Choices':[{'And':[{'Variable':'$.x','IsNull':true,'Next':'B'}],'Next':'B'}]},'B':{'Type':'Succeed'}}}|Choices[0].And[0]: Next is only allowed in a top-level choice rule",
            "{'StartAt':'A','States':{'A':{'Type':'Choice','Choices':[{'StringEquals':'a','Next':'B'}]},'B':{'Type':'Succeed'}}}|Choices[0].Variable is required",
            "{'StartAt':'A','States':{'A':{'Type':'Choice','Choices':[{'Variable':'$.x','IsNull':true,'Next':'B'}],'Default':'Z'},'B':{'Type':'Succeed'}}}|Default \"Z\" names no state",
            "{'StartAt':'A','States':{'A':{'Type':'Choice','Choices':[{'Variable':'$.x','TimestampEquals':'2026-01-01','Next':'B'}]},'B':{'Type':'Succeed'}}}|must be an RFC 3339 timestamp",
            "{'StartAt':'A','States':{'A':{'Type':'Parallel','Branches':[],'End':true}}}|Branches is required",
            "{'StartAt':'A','States':{'A':{'Type':'Parallel','Branches':[{'StartAt':'X','States':{'X':{'Type':'Pass','Next':'A'}}}],'End':true}}}|state \"X\": Next \"A\" names a state outside this state's scope",
            "{'StartAt':'A','States':{'A':{'Type':'Parallel','Branches':[{'StartAt':'A','States':{'A':{'Type':'Succeed'}}}],'End':true}}}|state names must be unique",
            "{'StartAt':'A','States':{'A':{'Type':'Map','End':true}}}|needs exactly one of ItemProcessor and Iterator",
            "{'StartAt':'A','States':{'A':{'Type':'Map','ItemSelector':{},'Parameters':{},'ItemProcessor':{'StartAt':'X','States':{'X':{'Type':'Succeed'}}},'End':true}}}|Parameters and ItemSelector cannot both be set",
            "{'StartAt':'A','States':{'A':{'Type':'Map','MaxConcurrency':-1,'ItemProcessor':{'StartAt':'X','States':{'X':{'Type':'Succeed'}}},'End':true}}}|MaxConcurrency must be an integer",
            "{'StartAt':'A','States':{'A':{'Type':'Task','Resource':'arn:x','Retry':[{'ErrorEquals':['States.ALL']},{'ErrorEquals':['E']}],'End':true}}}|States.ALL must be in the last Retry entry",
            "{'StartAt':'A','States':{'A':{'Type':'Task','Resource':'arn:x','Retry':[{'ErrorEquals':['States.ALL','E']}],'End':true}}}|States.ALL must appear alone",
            "{'StartAt':'A','States':{'A':{'Type':'Task','Resource':'arn:x','Retry':[{'ErrorEquals':[]}],'End':true}}}|Retry[0].ErrorEquals is required",
            "{'StartAt':'A','States':{'A':{'Type':'Task','Resource':'arn:x','Retry':[{'ErrorEquals':['States.Bogus']}],'End':true}}}|\"States.Bogus\" is not a predefined error name",
            "{'StartAt':'A','States':{'A':{'Type':'Task','Resource':'arn:x','Retry':[{'ErrorEquals':['E'],'BackoffRate':0.5}],'End':true}}}|Retry[0].BackoffRate must be a number greater than or equal to 1.0",
            "{'StartAt':'A','States':{'A':{'Type':'Task','Resource':'arn:x','Retry':[{'ErrorEquals':['E'],'IntervalSeconds':0}],'End':true}}}|Retry[0].IntervalSeconds must be an integer",
            "{'StartAt':'A','States':{'A':{'Type':'Task','Resource':'arn:x','Retry':[{'ErrorEquals':['E'],'JitterStrategy':'HALF'}],'End':true}}}|JitterStrategy must be",
            "{'StartAt':'A','States':{'A':{'Type':'Task','Resource':'arn:x','Retry':[{'ErrorEquals':['E'],'Backoff':2}],'End':true}}}|Retry[0]: unknown field \"Backoff\"",
            "{'StartAt':'A','States':{'A':{'Type':'Task','Resource':'arn:x','Catch':[{'ErrorEquals':['E'],'Next':'Gone'}],'End':true}}}|Catch[0].Next \"Gone\" names no state",
            "{'StartAt':'A','States':{'A':{'Type':'Task','Resource':'arn:x','Catch':[{'ErrorEquals':['E']}],'End':true}}}|Catch[0].Next is required",
            "{'StartAt':'A','States':{'A':{'Type':'Pass','Assign':{'bad-name':1},'End':true}}}|\"bad-name\" is not a valid variable name"
    })
    void invalidDefinition_isRejectedNamingTheProblem(String definition, String message) {
        rejects(definition, message);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "{'QueryLanguage':'JSONata','StartAt':'A','States':{'A':{'Type':'Succeed'}}}|QueryLanguage \"JSONata\" is not supported",
            "{'StartAt':'A','States':{'A':{'Type':'Pass','QueryLanguage':'JSONata','End':true}}}|state \"A\": QueryLanguage \"JSONata\" is not supported",
            "{'StartAt':'A','States':{'A':{'Type':'Pass','Output':{},'End':true}}}|Output belongs to the JSONata query language",
            "{'StartAt':'A','States':{'A':{'Type':'Map','ItemProcessor':{'ProcessorConfig':{'Mode':'DISTRIBUTED','ExecutionType':'STANDARD'},'StartAt':'X','States':{'X':{'Type':'Succeed'}}},'End':true}}}|distributed Map is not supported",
            "{'StartAt':'A','States':{'A':{'Type':'Map','ItemReader':{},'ItemProcessor':{'StartAt':'X','States':{'X':{'Type':'Succeed'}}},'End':true}}}|ItemReader: distributed Map (ItemReader) is not supported",
            "{'StartAt':'A','States':{'A':{'Type':'Map','ResultWriter':{},'ItemProcessor':{'StartAt':'X','States':{'X':{'Type':'Succeed'}}},'End':true}}}|ResultWriter: distributed Map",
            "{'StartAt':'A','States':{'A':{'Type':'Map','ItemBatcher':{},'ItemProcessor':{'StartAt':'X','States':{'X':{'Type':'Succeed'}}},'End':true}}}|ItemBatcher: distributed Map",
            "{'StartAt':'A','States':{'A':{'Type':'Map','ToleratedFailureCount':1,'ItemProcessor':{'StartAt':'X','States':{'X':{'Type':'Succeed'}}},'End':true}}}|ToleratedFailureCount: distributed Map",
            "{'StartAt':'A','States':{'A':{'Type':'Task','Resource':'arn:x','Credentials':{},'End':true}}}|Credentials (cross-account task role) is not supported"
    })
    void unsupportedFeature_isRefusedAtLoad(String definition, String message) {
        rejects(definition, message);
    }

    @Test
    void notJson_isRejectedWithLine() {
        assertThatThrownBy(() -> AslDefinition.parse("{\n\"StartAt\": }", "x.asl.json"))
                .isInstanceOf(AslDefinitionException.class).hasMessageContaining("x.asl.json: not valid JSON")
                .hasMessageContaining("line 2");
    }

    @Test
    void validDefinition_exposesAllStatesIncludingNestedOnes() {
        AslDefinition d = AslDefinition.parse("""
                {"StartAt":"P","TimeoutSeconds":30,"States":{"P":{"Type":"Parallel","Next":"M","Branches":[
                  {"StartAt":"B1","States":{"B1":{"Type":"Pass","End":true}}}]},
                 "M":{"Type":"Map","ItemProcessor":{"ProcessorConfig":{"Mode":"INLINE"},"StartAt":"I","States":{"I":{"Type":"Succeed"}}},"End":true}}}""",
                "ok.asl.json");
        assertThat(d.allStates()).containsOnlyKeys("P", "B1", "M", "I");
        assertThat(d.machine().states()).containsOnlyKeys("P", "M");
        assertThat(d.timeoutSeconds()).contains(30);
    }

    @Test
    void validDefinition_isReadIntoTypedStates_withDefaultsAppliedAndRulesParsed() {
        AslDefinition d = AslDefinition.parse("""
                {"StartAt":"C","States":{
                  "C":{"Type":"Choice","Choices":[{"And":[{"Variable":"$.n","NumericLessThanPath":"$.max"},
                       {"Variable":"$.s","IsString":true}],"Next":"T"}],"Default":"M"},
                  "T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f","ResultPath":null,
                       "Retry":[{"ErrorEquals":["States.ALL"]}],"Catch":[{"ErrorEquals":["E"],"Next":"M"}],"Next":"M"},
                  "M":{"Type":"Map","Iterator":{"StartAt":"I","States":{"I":{"Type":"Succeed"}}},
                       "Parameters":{"v.$":"$$.Map.Item.Value","k":1},"End":true}}}""", "typed.asl.json");

        State.Choice choice = (State.Choice) d.allStates().get("C");
        ChoiceRule.And and = (ChoiceRule.And) choice.choices().getFirst().rule();
        assertThat(and.rules().getFirst()).isInstanceOfSatisfying(ChoiceRule.Comparison.class, c -> {
            assertThat(c.variable().text()).isEqualTo("$.n");
            assertThat(c.operator()).isEqualTo(
                    new ChoiceRule.Operator(ChoiceRule.Kind.NUMERIC, ChoiceRule.Comparator.LESS_THAN, true));
            assertThat(c.expected()).isInstanceOfSatisfying(ChoiceRule.ReadFrom.class,
                    e -> assertThat(e.path().text()).isEqualTo("$.max"));
        });
        assertThat(and.rules().get(1)).isInstanceOfSatisfying(ChoiceRule.IsType.class,
                t -> assertThat(t.type()).isEqualTo(ChoiceRule.ValueType.STRING));
        assertThat(choice.defaultNext()).contains("M");

        State.Task task = (State.Task) d.allStates().get("T");
        assertThat(task.resultPath()).isEqualTo(Paths.DataPath.DISCARD);
        RetryCatch.Retrier retrier = task.retry().getFirst();
        assertThat(retrier.intervalSeconds()).isEqualTo(1.0);
        assertThat(retrier.maxAttempts()).isEqualTo(3);
        assertThat(retrier.backoffRate()).isEqualTo(2.0);
        assertThat(retrier.fullJitter()).isFalse();
        assertThat(task.transitions()).containsExactly(new State.Transition("M", ""), new State.Transition("M", "catch E"));

        State.Map map = (State.Map) d.allStates().get("M");
        assertThat(map.processor().states()).containsOnlyKeys("I");
        assertThat(map.itemSelector()).as("the legacy Parameters select each item")
                .get().isInstanceOf(PayloadTemplate.ObjectTemplate.class);
        assertThat(map.terminal()).isTrue();
    }
}
