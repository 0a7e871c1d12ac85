package dev.outrigger.bench.launch;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A stand-in for the Lambda Java runtime, run in a fresh JVM per measurement: loads the handler class by name,
 * constructs it (the {@code dev.outrigger.core.Env} constructor with {@code Env.system()} when there is one, as the
 * embedded runtime does; else the no-arg one, as Lambda does), deserializes the event with
 * aws-lambda-java-serialization exactly as the runtime picks a serializer (Lambda event classes through
 * {@link LambdaEventSerializers}, anything else through {@link JacksonFactory}), invokes, serializes the response,
 * and prints one {@code BENCH} line of timings.
 *
 * <p>Usage: {@code LambdaLikeMain <handler class> <event file> [invocations] [--mem]}. The parent passes its spawn
 * time in {@code BENCH_SPAWN_MS}, so "JVM start" includes the JVM's own boot. Only JDK and Lambda-runtime classes are
 * referenced here: everything else the JVM loads belongs to the function.
 */
public final class LambdaLikeMain {
    private LambdaLikeMain() {
    }

    public static void main(String[] args) throws Exception {
        long mainMs = System.currentTimeMillis();
        long mainNs = System.nanoTime();
        String handlerName = args[0];
        byte[] event = Files.readAllBytes(Path.of(args[1]));
        int invocations = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        boolean mem = args.length > 3 && "--mem".equals(args[3]);

        ClassLoader loader = LambdaLikeMain.class.getClassLoader();
        Class<?> handlerClass = Class.forName(handlerName, true, loader);
        long loadedNs = System.nanoTime();
        Object handler = construct(handlerClass, loader);
        long constructedNs = System.nanoTime();

        @SuppressWarnings("unchecked")
        RequestHandler<Object, Object> requestHandler = (RequestHandler<Object, Object>) handler;
        Type[] io = requestTypes(handlerClass);
        PojoSerializer<Object> in = serializer(io[0], loader);
        PojoSerializer<Object> out = serializer(io[1], loader);
        List<Long> invokeNs = new ArrayList<>();
        int responseBytes = 0;
        int failures = 0;
        for (int i = 0; i < invocations; i++) {
            long start = System.nanoTime();
            Object input = in.fromJson(new ByteArrayInputStream(event));
            Object output = requestHandler.handleRequest(input, new BenchContext(handlerName, 60_000));
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            if (output != null) {
                out.toJson(output, response);
            }
            responseBytes = response.size();
            failures = count(response.toString(java.nio.charset.StandardCharsets.UTF_8), "itemIdentifier");
            invokeNs.add(System.nanoTime() - start);
        }
        StringBuilder line = new StringBuilder("BENCH");
        String spawn = System.getenv("BENCH_SPAWN_MS");
        if (spawn != null) {
            line.append(" boot_ms=").append(mainMs - Long.parseLong(spawn));
        }
        line.append(" load_ms=").append(ms(loadedNs - mainNs))
                .append(" init_ms=").append(ms(constructedNs - mainNs))
                .append(" first_invoke_ms=").append(ms(invokeNs.get(0)))
                .append(" invokes_ms=");
        for (int i = 0; i < invokeNs.size(); i++) {
            line.append(i == 0 ? "" : ",").append(ms(invokeNs.get(i)));
        }
        line.append(" response_bytes=").append(responseBytes).append(" failures=").append(failures);
        line.append(' ').append(ProcStatus.read());
        if (mem) {
            line.append(' ').append(MemoryStats.read());
        }
        System.out.println(line);
        System.out.flush();
        // Lambda freezes the environment after the response; a benchmark process just ends.
        System.exit(0);
    }

    private static int count(String text, String word) {
        int n = 0;
        for (int i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + word.length())) {
            n++;
        }
        return n;
    }

    static String ms(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.3f", nanos / 1e6);
    }

    private static Object construct(Class<?> handlerClass, ClassLoader loader) throws Exception {
        try {
            Class<?> envClass = Class.forName("dev.outrigger.core.Env", true, loader);
            Constructor<?> withEnv = handlerClass.getConstructor(envClass);
            return withEnv.newInstance(envClass.getMethod("system").invoke(null));
        } catch (ClassNotFoundException | NoSuchMethodException noEnvConstructor) {
            return handlerClass.getConstructor().newInstance();
        }
    }

    /** The I and O of {@code RequestHandler<I, O>}, found as the runtime finds them: on the class or a superclass. */
    static Type[] requestTypes(Class<?> handlerClass) {
        for (Class<?> c = handlerClass; c != null; c = c.getSuperclass()) {
            for (Type type : c.getGenericInterfaces()) {
                if (type instanceof ParameterizedType p && p.getRawType() == RequestHandler.class) {
                    return p.getActualTypeArguments();
                }
            }
        }
        return new Type[] {Object.class, Object.class};
    }

    @SuppressWarnings("unchecked")
    private static PojoSerializer<Object> serializer(Type type, ClassLoader loader) {
        Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
        if (LambdaEventSerializers.isLambdaSupportedEvent(raw.getName())) {
            return (PojoSerializer<Object>) LambdaEventSerializers.serializerFor(raw, loader);
        }
        return (PojoSerializer<Object>) JacksonFactory.getInstance().getSerializer(type);
    }

    /** The parts of Context a handler reads. */
    record BenchContext(String functionName, long budgetMs, long startNs) implements Context {
        BenchContext(String functionName, long budgetMs) {
            this(functionName, budgetMs, System.nanoTime());
        }

        @Override
        public String getAwsRequestId() {
            return "bench-" + startNs;
        }

        @Override
        public String getLogGroupName() {
            return "/aws/lambda/" + functionName;
        }

        @Override
        public String getLogStreamName() {
            return "bench";
        }

        @Override
        public String getFunctionName() {
            return functionName;
        }

        @Override
        public String getFunctionVersion() {
            return "$LATEST";
        }

        @Override
        public String getInvokedFunctionArn() {
            return "arn:aws:lambda:us-east-1:000000000000:function:" + functionName;
        }

        @Override
        public com.amazonaws.services.lambda.runtime.CognitoIdentity getIdentity() {
            return null;
        }

        @Override
        public com.amazonaws.services.lambda.runtime.ClientContext getClientContext() {
            return null;
        }

        @Override
        public int getRemainingTimeInMillis() {
            return (int) Math.max(0, budgetMs - (System.nanoTime() - startNs) / 1_000_000);
        }

        @Override
        public int getMemoryLimitInMB() {
            return Integer.parseInt(System.getenv().getOrDefault("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512"));
        }

        @Override
        public com.amazonaws.services.lambda.runtime.LambdaLogger getLogger() {
            return new com.amazonaws.services.lambda.runtime.LambdaLogger() {
                @Override
                public void log(String message) {
                    System.out.print(message);
                }

                @Override
                public void log(byte[] message) {
                    System.out.write(message, 0, message.length);
                }
            };
        }
    }
}
