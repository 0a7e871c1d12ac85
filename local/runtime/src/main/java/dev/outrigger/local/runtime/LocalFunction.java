package dev.outrigger.local.runtime;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import dev.outrigger.core.Env;
import dev.outrigger.core.Json;
import dev.outrigger.local.template.FunctionDef;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One function of the template, loaded in-process like a warm Lambda container: the handler is instantiated once
 * (its public {@code (Env)} constructor if it has one, else the no-arg one) and invoked with events serialized the way
 * the Java runtime does: aws-lambda-java-events types through
 * {@link LambdaEventSerializers#serializerFor(Class, ClassLoader)}, other types (Map, String, POJOs) with Jackson.
 * Each invocation runs on its own thread and is abandoned when the function's Timeout passes.
 */
public final class LocalFunction {
    private static final String EVENTS_PACKAGE = "com.amazonaws.services.lambda.runtime.events.";

    private final FunctionDef def;
    private final Env env;
    private final PrintStream console;
    private final ExecutorService threads;
    private volatile Object instance;
    private Method method;
    private Class<?> inputType;
    private boolean streaming;

    LocalFunction(FunctionDef def, Env env, PrintStream console) {
        this.def = def;
        this.env = env;
        this.console = console;
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fn-" + def.logicalId());
            t.setDaemon(true);
            return t;
        });
    }

    public FunctionDef def() {
        return def;
    }

    public Env env() {
        return env;
    }

    /**
     * Loads and instantiates the handler (idempotent). Throws {@link HandlerLoadException} naming the function and
     * the class when the class or method is missing or the constructor fails.
     */
    public synchronized Object instance() {
        if (instance != null) {
            return instance;
        }
        Class<?> cls;
        try {
            cls = loadClass(def.handlerClass());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new HandlerLoadException(def, "handler class " + def.handlerClass() + " is not on the classpath"
                    + " (is its module built and a dependency of local/runtime?)", e);
        }
        if (RequestStreamHandler.class.isAssignableFrom(cls) && def.handlerMethod().equals("handleRequest")) {
            streaming = true;
        } else {
            method = findMethod(cls);
            inputType = method.getParameterCount() == 0 ? null : method.getParameterTypes()[0];
            streaming = method.getParameterCount() >= 2 && InputStream.class.equals(method.getParameterTypes()[0])
                    && OutputStream.class.equals(method.getParameterTypes()[1]);
        }
        try {
            Optional<Constructor<?>> withEnv = Arrays.stream(cls.getConstructors())
                    .filter(c -> c.getParameterCount() == 1 && c.getParameterTypes()[0].equals(Env.class)).findFirst();
            instance = withEnv.isPresent() ? withEnv.get().newInstance(env) : cls.getConstructor().newInstance();
        } catch (NoSuchMethodException e) {
            throw new HandlerLoadException(def, def.handlerClass() + " needs a public constructor taking dev.outrigger.core.Env or a public no-arg one", e);
        } catch (InvocationTargetException e) {
            throw new HandlerLoadException(def, "constructing " + def.handlerClass() + " failed: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new HandlerLoadException(def, "cannot construct " + def.handlerClass() + ": " + e, e);
        }
        return instance;
    }

    /** The runtime's own class loader first (it sees the whole application classpath), then the thread's. */
    private static Class<?> loadClass(String name) throws ClassNotFoundException {
        try {
            return Class.forName(name, true, LocalFunction.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            ClassLoader context = Thread.currentThread().getContextClassLoader();
            if (context == null) {
                throw e;
            }
            return Class.forName(name, true, context);
        }
    }

    private Method findMethod(Class<?> cls) {
        // Prefer the most specific overload (a generic RequestHandler also has a bridge method taking Object).
        return Arrays.stream(cls.getMethods())
                .filter(m -> m.getName().equals(def.handlerMethod()) && !m.isBridge() && !Modifier.isStatic(m.getModifiers())
                        && m.getParameterCount() <= 3)
                .min(Comparator.comparingInt((Method m) -> m.getParameterCount() == 2 ? 0 : 1)
                        .thenComparing(m -> m.getParameterTypes().length > 0 && m.getParameterTypes()[0] == Object.class ? 1 : 0))
                .orElseThrow(() -> new HandlerLoadException(def, "handler method " + def.handlerMethod() + " not found on " + cls.getName(), null));
    }

    /** The handler's input type (for callers that build events), or null for a stream handler. */
    public Class<?> inputType() {
        instance();
        return streaming ? null : inputType;
    }

    /** Runs the handler once with a JSON event, enforcing the function's Timeout. */
    public InvocationResult invoke(String eventJson) {
        Object target = instance();
        LocalContext context = new LocalContext(def, console);
        long start = System.nanoTime();
        Future<String> future = threads.submit(() -> call(target, eventJson, context));
        try {
            String out = future.get(def.timeoutSeconds(), TimeUnit.SECONDS);
            return new InvocationResult(context.getAwsRequestId(), out, null, false, Duration.ofNanos(System.nanoTime() - start));
        } catch (TimeoutException e) {
            future.cancel(true);   // interrupts the handler; like Lambda, the result is discarded either way
            return new InvocationResult(context.getAwsRequestId(), null, null, true, Duration.ofNanos(System.nanoTime() - start));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof InvocationTargetException ite ? ite.getCause() : e.getCause();
            return new InvocationResult(context.getAwsRequestId(), null, cause, false, Duration.ofNanos(System.nanoTime() - start));
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            return new InvocationResult(context.getAwsRequestId(), null, e, false, Duration.ofNanos(System.nanoTime() - start));
        }
    }

    private String call(Object target, String eventJson, Context context) throws Exception {
        if (streaming) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            InputStream in = new ByteArrayInputStream(eventJson.getBytes(StandardCharsets.UTF_8));
            if (method == null) {
                ((RequestStreamHandler) target).handleRequest(in, out, context);
            } else {
                method.invoke(target, in, out, context);
            }
            return out.toString(StandardCharsets.UTF_8);
        }
        Object input = inputType == null ? null : deserialize(eventJson, inputType, method.getGenericParameterTypes()[0]);
        Object output = switch (method.getParameterCount()) {
            case 0 -> method.invoke(target);
            case 1 -> method.invoke(target, input);
            default -> method.invoke(target, input, context);
        };
        if (method.getReturnType() == void.class) {
            return null;
        }
        return serialize(output);
    }

    /** Deserializes an event the way the Lambda Java runtime does for the given handler parameter type. */
    public static Object deserialize(String json, Class<?> type, Type generic) throws java.io.IOException {
        ClassLoader loader = type.getClassLoader() == null ? LocalFunction.class.getClassLoader() : type.getClassLoader();
        if (type.getName().startsWith(EVENTS_PACKAGE)) {
            PojoSerializer<?> serializer = LambdaEventSerializers.serializerFor(type, loader);
            return serializer.fromJson(json);
        }
        if (type == InputStream.class) {
            return new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
        }
        return Json.MAPPER.readValue(json, Json.MAPPER.getTypeFactory().constructType(generic));
    }

    /** Serializes a handler's return value the way the Lambda Java runtime does. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static String serialize(Object output) throws java.io.IOException {
        if (output == null) {
            return "null";
        }
        Class<?> type = output.getClass();
        if (type.getName().startsWith(EVENTS_PACKAGE)) {
            ClassLoader loader = type.getClassLoader() == null ? LocalFunction.class.getClassLoader() : type.getClassLoader();
            PojoSerializer serializer = LambdaEventSerializers.serializerFor(type, loader);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            serializer.toJson(output, out);
            return out.toString(StandardCharsets.UTF_8);
        }
        return Json.MAPPER.writeValueAsString(output);
    }

    void close() {
        threads.shutdownNow();
    }

    /** The handler cannot be loaded: the message names the function and what is wrong. */
    public static final class HandlerLoadException extends RuntimeException {
        HandlerLoadException(FunctionDef def, String reason, Throwable cause) {
            super("function " + def.logicalId() + " (template line " + def.line() + "): " + reason, cause);
        }
    }
}
