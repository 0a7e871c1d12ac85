package dev.outrigger.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.scheduler.SchedulerClient;

/**
 * {@code schedules fire --aws} with the real SchedulerClient and LambdaClient pointed at a stand-in on 127.0.0.1 that
 * answers as the AWS APIs do: Scheduler GetSchedule ({@code GET /schedules/{Name}?groupName=}, REST-JSON, a 404
 * ResourceNotFoundException for an unknown name) and Lambda Invoke ({@code POST /2015-03-31/functions/{FunctionName}/invocations},
 * 200 with the payload, X-Amz-Function-Error on a function error).
 */
class SchedulesFireAwsIT {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String HOOK_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:outrigger-prod-schedule-hook:live";
    private static final String INPUT = "{\"hook\":\"clearsessions\",\"mode\":\"call\",\"scheduled_time\":\"<aws.scheduler.scheduled-time>\","
            + "\"execution_id\":\"<aws.scheduler.execution-id>\",\"schedule\":\"<aws.scheduler.schedule-arn>\","
            + "\"attempt\":\"<aws.scheduler.attempt-number>\",\"args\":[]}";

    /** One Lambda Invoke as the stand-in received it. */
    record Invocation(String functionName, String invocationType, String body) {
    }

    private HttpServer server;
    private URI endpoint;
    /** group/name → GetSchedule response body. */
    private final Map<String, String> schedules = new ConcurrentHashMap<>();
    /** function name (as invoked) → [X-Amz-Function-Error or null, payload]. */
    private final Map<String, String[]> functions = new ConcurrentHashMap<>();
    private final List<Invocation> invocations = new CopyOnWriteArrayList<>();
    private final List<String> lambdaRegions = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startStandIn() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/schedules/", this::getSchedule);
        server.createContext("/2015-03-31/functions/", this::invoke);
        server.start();
        endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void getSchedule(HttpExchange x) throws IOException {
        String name = URLDecoder.decode(x.getRequestURI().getRawPath().substring("/schedules/".length()), StandardCharsets.UTF_8);
        String query = x.getRequestURI().getRawQuery();
        String group = query != null && query.startsWith("groupName=")
                ? URLDecoder.decode(query.substring("groupName=".length()), StandardCharsets.UTF_8) : "default";
        String body = schedules.get(group + "/" + name);
        if (!x.getRequestMethod().equals("GET") || body == null) {
            x.getResponseHeaders().add("x-amzn-ErrorType", "ResourceNotFoundException");
            send(x, 404, "{\"Message\":\"Schedule " + name + " does not exist.\"}");
            return;
        }
        send(x, 200, body);
    }

    private void invoke(HttpExchange x) throws IOException {
        String path = x.getRequestURI().getRawPath();
        if (!x.getRequestMethod().equals("POST") || !path.endsWith("/invocations")) {
            send(x, 404, "{}");
            return;
        }
        String fn = URLDecoder.decode(path.substring("/2015-03-31/functions/".length(), path.length() - "/invocations".length()),
                StandardCharsets.UTF_8);
        String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        invocations.add(new Invocation(fn, x.getRequestHeaders().getFirst("X-Amz-Invocation-Type"), body));
        String[] behaviour = functions.get(fn);
        if (behaviour == null) {
            x.getResponseHeaders().add("x-amzn-ErrorType", "ResourceNotFoundException");
            send(x, 404, "{\"Type\":\"User\",\"Message\":\"Function not found: " + fn + "\"}");
            return;
        }
        x.getResponseHeaders().add("X-Amz-Executed-Version", "7");
        if (behaviour[0] != null) {
            x.getResponseHeaders().add("X-Amz-Function-Error", behaviour[0]);
        }
        send(x, 200, behaviour[1]);
    }

    private static void send(HttpExchange x, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(status, b.length);
        x.getResponseBody().write(b);
        x.close();
    }

    private void schedule(String group, String name, String targetArn, String input) {
        var s = MAPPER.createObjectNode();
        s.put("Arn", "arn:aws:scheduler:eu-west-1:123456789012:schedule/" + group + "/" + name);
        s.put("Name", name);
        s.put("GroupName", group);
        s.put("ScheduleExpression", "cron(0 3 * * ? *)");
        s.put("ScheduleExpressionTimezone", "UTC");
        s.put("State", "ENABLED");
        s.putObject("FlexibleTimeWindow").put("Mode", "OFF");
        var t = s.putObject("Target");
        t.put("Arn", targetArn);
        t.put("RoleArn", "arn:aws:iam::123456789012:role/outrigger-prod-scheduler");
        t.put("Input", input);
        schedules.put(group + "/" + name, s.toString());
    }

    record Run(int code, String out, String err) {
    }

    private Run fire(String... args) {
        SchedulesCommand.AwsClients clients = new SchedulesCommand.AwsClients() {
            @Override
            public SchedulerClient scheduler(SchedulesCommand.Target target) {
                return SchedulerClient.builder().endpointOverride(endpoint).region(Region.EU_WEST_1)
                        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                        .httpClient(UrlConnectionHttpClient.create()).build();
            }

            @Override
            public LambdaClient lambda(String region) {
                lambdaRegions.add(region);
                return LambdaClient.builder().endpointOverride(endpoint).region(Region.of(region))
                        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                        .httpClient(UrlConnectionHttpClient.create()).build();
            }
        };
        CommandLine cli = new CommandLine(new SchedulesCommand(), new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                return cls == SchedulesCommand.Fire.class ? cls.cast(new SchedulesCommand.Fire(clients))
                        : CommandLine.defaultFactory().create(cls);
            }
        });
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        String[] all = new String[args.length + 2];
        all[0] = "fire";
        all[1] = "--aws";
        System.arraycopy(args, 0, all, 2, args.length);
        int code = cli.execute(all);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void fireAws_lambdaTarget_invokesFunctionWithContextFilled_printsResponse_exit0() throws Exception {
        schedule("outrigger-prod", "clearsessions", HOOK_ARN, INPUT);
        functions.put(HOOK_ARN, new String[] {null, "{\"status\":\"ok\",\"job_id\":\"hook:clearsessions\"}"});
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);

        Run r = fire("--group", "outrigger-prod", "clearsessions");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().strip()).isEqualTo("{\"status\":\"ok\",\"job_id\":\"hook:clearsessions\"}");
        assertThat(r.err()).contains("invoked " + HOOK_ARN).contains("(version 7)");
        assertThat(lambdaRegions).containsExactly("eu-west-1"); // the function's region, from its ARN
        assertThat(invocations).singleElement().satisfies(i -> {
            assertThat(i.functionName()).isEqualTo(HOOK_ARN);
            assertThat(i.invocationType()).isEqualTo("RequestResponse");
            JsonNode sent = MAPPER.readTree(i.body());
            assertThat(sent.path("hook").asText()).isEqualTo("clearsessions");
            String scheduled = sent.path("scheduled_time").asText();
            assertThat(scheduled).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
            assertThat(Instant.parse(scheduled)).isBetween(before, Instant.now());
            assertThat(UUID.fromString(sent.path("execution_id").asText()).version()).isEqualTo(4);
            assertThat(sent.path("schedule").asText())
                    .isEqualTo("arn:aws:scheduler:eu-west-1:123456789012:schedule/outrigger-prod/clearsessions");
            assertThat(sent.path("attempt").asText()).isEqualTo("1");
            assertThat(r.err()).contains("execution_id=" + sent.path("execution_id").asText());
        });
    }

    @Test
    void fireAws_functionError_showsErrorTypeAndPayload_exit1() {
        String arn = "arn:aws:lambda:eu-west-1:123456789012:function:outrigger-prod-schedule-hook";
        schedule("outrigger-prod", "weekly-report", arn, INPUT);
        functions.put(arn, new String[] {"Unhandled",
                "{\"errorMessage\":\"Django answered 500 for send_report\",\"errorType\":\"dev.outrigger.schedule.HookFailedException\"}"});

        Run r = fire("--group", "outrigger-prod", "weekly-report");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains(arn).contains("function error (Unhandled)")
                .contains("Django answered 500 for send_report").contains("HookFailedException");
        assertThat(r.out()).isEmpty();
        assertThat(invocations).hasSize(1);
    }

    @Test
    void fireAws_unknownSchedule_saysWhichScheduleAndGroup_invokesNothing_exit1() {
        schedule("outrigger-prod", "clearsessions", HOOK_ARN, INPUT);

        Run r = fire("clearsessions"); // default group outrigger-dev has no such schedule

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("no schedule 'clearsessions' in group 'outrigger-dev'")
                .contains("Schedule clearsessions does not exist.");
        assertThat(invocations).isEmpty();
    }

    @Test
    void fireAws_nonLambdaTarget_isRefusedNamingTheTargetArn_invokesNothing_exit2() {
        String sqs = "arn:aws:sqs:eu-west-1:123456789012:outrigger-prod-jobs-default";
        schedule("outrigger-prod", "enqueue-digest", sqs, "{\"version\":1}");

        Run r = fire("--group", "outrigger-prod", "enqueue-digest");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("refused").contains(sqs).contains("not a Lambda function");
        assertThat(invocations).isEmpty();
        assertThat(lambdaRegions).isEmpty();
    }
}
