package dev.outrigger.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.CustomPojoSerializer;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import dev.outrigger.core.Json;
import dev.outrigger.testing.SampleEvents;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link SqsEventJson} against the serializer the Lambda Java runtime would use without it: the runtime picks
 * {@link LambdaEventSerializers} for SQSEvent (a supported event with mix-ins) and {@link JacksonFactory} for
 * SQSBatchResponse (not in its list), exactly as its EventHandlerLoader does.
 */
class SqsEventJsonTest {
    private static final SqsEventJson OURS = new SqsEventJson();
    private static final PojoSerializer<SQSEvent> RUNTIME_IN =
            LambdaEventSerializers.serializerFor(SQSEvent.class, SqsEventJsonTest.class.getClassLoader());
    private static final PojoSerializer<SQSBatchResponse> RUNTIME_OUT = JacksonFactory.getInstance().getSerializer(SQSBatchResponse.class);

    static Stream<Path> samples() throws IOException {
        List<Path> files = SampleEvents.list("sqs");
        assertThat(files).hasSizeGreaterThanOrEqualTo(5);
        return files.stream();
    }

    @ParameterizedTest
    @MethodSource("samples")
    void everySampleEvent_readsAsTheRuntimeReadsIt(Path sample) throws IOException {
        byte[] json = Files.readAllBytes(sample);
        SQSEvent expected = RUNTIME_IN.fromJson(new ByteArrayInputStream(json));
        SQSEvent ours = OURS.fromJson(new ByteArrayInputStream(json), SQSEvent.class);
        assertThat(ours).isEqualTo(expected);
        assertThat(ours.getRecords()).isNotEmpty();
        SQSEvent fromString = OURS.fromJson(new String(json, StandardCharsets.UTF_8), SQSEvent.class);
        assertThat(fromString).isEqualTo(expected);
    }

    @Test
    void everyMessageAttributeShape_readsAsTheRuntimeReadsIt() {
        String json = """
                {"Records":[{"messageId":"m1","receiptHandle":"r1","body":"{}","md5OfBody":"x","md5OfMessageAttributes":"y",
                  "eventSource":"aws:sqs","eventSourceARN":"arn:aws:sqs:eu-west-1:1:q.fifo","awsRegion":"eu-west-1",
                  "attributes":{"ApproximateReceiveCount":"3","MessageGroupId":"g-1","MessageDeduplicationId":"d"},
                  "messageAttributes":{
                    "s":{"stringValue":"text","stringListValues":[],"binaryListValues":[],"dataType":"String"},
                    "n":{"stringValue":"42","dataType":"Number.int"},
                    "b":{"binaryValue":"AAECAwQ=","dataType":"Binary"},
                    "lists":{"stringListValues":["a","b"],"binaryListValues":["AQI=","/w=="],"dataType":"String"},
                    "empty":{}
                  }},
                 {"messageId":"m2","body":null,"attributes":null,"messageAttributes":null}]}""";
        SQSEvent expected = RUNTIME_IN.fromJson(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
        SQSEvent ours = OURS.fromJson(json, SQSEvent.class);
        assertThat(ours).isEqualTo(expected);
        assertThat(ours.getRecords().get(0).getMessageAttributes().get("b").getBinaryValue().remaining()).isEqualTo(5);
        assertThat(ours.getRecords().get(1).getBody()).isNull();
        SQSEvent empty = OURS.fromJson("{}", SQSEvent.class);
        assertThat(empty).isEqualTo(RUNTIME_IN.fromJson(new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void batchResponse_isWrittenAsTheRuntimeWritesIt() throws IOException {
        for (SQSBatchResponse response : List.of(
                new SQSBatchResponse(List.of()),
                new SQSBatchResponse(List.of(new SQSBatchResponse.BatchItemFailure("m-1"), new SQSBatchResponse.BatchItemFailure("m-2"))),
                new SQSBatchResponse(List.of(new SQSBatchResponse.BatchItemFailure(null))),
                new SQSBatchResponse(null))) {
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            RUNTIME_OUT.toJson(response, expected);
            ByteArrayOutputStream ours = new ByteArrayOutputStream();
            OURS.toJson(response, ours, SQSBatchResponse.class);
            assertThat(Json.MAPPER.readTree(ours.toByteArray())).as(response.toString())
                    .isEqualTo(Json.MAPPER.readTree(expected.toByteArray()));
        }
    }

    @Test
    void aMalformedEvent_failsWithWhereItIsWrong() {
        assertThatThrownBy(() -> OURS.fromJson("{\"Records\":{}}", SQSEvent.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Records must be a list");
        assertThatThrownBy(() -> OURS.fromJson("{\"Records\":[{\"body\":{\"a\":1}}]}", SQSEvent.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("body must be a string");
        assertThatThrownBy(() -> OURS.fromJson("{\"Records\":[", SQSEvent.class))
                .isInstanceOf(java.io.UncheckedIOException.class).hasMessageContaining("cannot read the SQS event");
    }

    @Test
    void theRuntimeFindsExactlyThisSerializer() {
        // The runtime interface client refuses more than one (TooManyServiceProvidersFoundException) and uses the
        // one it finds for the handler's input and output.
        List<CustomPojoSerializer> found = new ArrayList<>();
        ServiceLoader.load(CustomPojoSerializer.class, SqsJobWorkerHandler.class.getClassLoader()).forEach(found::add);
        assertThat(found).singleElement().isInstanceOf(SqsEventJson.class);
    }
}
