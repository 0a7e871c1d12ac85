package dev.outrigger.local.template;

/**
 * A template the local runtime cannot load. The message always starts with where the problem is:
 * {@code template.yaml:42: resource JobWorkerFunction: Fn::ImportValue is not supported locally}.
 */
public final class TemplateException extends RuntimeException {
    private final String file;
    private final int line;
    private final String resource;
    private final String reason;

    public TemplateException(String file, int line, String resource, String reason) {
        super(format(file, line, resource, reason));
        this.file = file;
        this.line = line;
        this.resource = resource;
        this.reason = reason;
    }

    private static String format(String file, int line, String resource, String reason) {
        StringBuilder b = new StringBuilder(file);
        if (line > 0) {
            b.append(':').append(line);
        }
        b.append(": ");
        if (resource != null) {
            b.append(resource).append(": ");
        }
        return b.append(reason).toString();
    }

    public String file() {
        return file;
    }

    /** 1-based line, or 0 when unknown. */
    public int line() {
        return line;
    }

    /** "resource X", "parameter Y", "condition Z", "Globals" or null. */
    public String resource() {
        return resource;
    }

    public String reason() {
        return reason;
    }
}
