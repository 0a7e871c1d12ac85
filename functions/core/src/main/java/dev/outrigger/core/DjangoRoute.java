package dev.outrigger.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one Django endpoint a signed call authorizes (DESIGN.md, "Signed calls to Django"), as its route relative to
 * {@code DJANGO_BASE_URL}: {@code tasks/<name>}, {@code hooks/<name>}, {@code maintenance} or {@code verify-writes}.
 * One value gives the request URL, the signed route and the field by which the body names its action, so the three
 * cannot disagree:
 * <ul>
 *   <li>{@code tasks/<name>}: {@code "task": "<name>"}</li>
 *   <li>{@code hooks/<name>}: {@code "hook": "<name>"}</li>
 *   <li>{@code maintenance}: {@code "action": "maintenance"}; {@code verify-writes}: {@code "action": "verify-writes"}</li>
 * </ul>
 * A body names exactly one action: a task body carries no {@code hook} or {@code action}, and so on.
 */
public final class DjangoRoute {
    private static final String TASKS = "tasks/";
    private static final String HOOKS = "hooks/";
    private static final List<String> ACTION_FIELDS = List.of("task", "hook", "action");
    /**
     * One path segment that neither side percent-encodes (RFC 3986 unreserved characters plus ':' and '@', which
     * Django's reverse() leaves as they are), so the route Django computes is byte for byte the one signed here. The
     * task and hook name grammars are narrower; this only keeps a name from leaving its segment.
     */
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._~:@-]+");

    public static final DjangoRoute MAINTENANCE = new DjangoRoute("maintenance", "action", "maintenance");
    public static final DjangoRoute VERIFY_WRITES = new DjangoRoute("verify-writes", "action", "verify-writes");

    private final String path;
    private final String actionField;
    private final String action;

    private DjangoRoute(String path, String actionField, String action) {
        this.path = path;
        this.actionField = actionField;
        this.action = action;
    }

    /** {@code tasks/<name>}; the body names it with {@code "task": "<name>"}. */
    public static DjangoRoute task(String name) {
        return new DjangoRoute(TASKS + segment(name), "task", name);
    }

    /** {@code hooks/<name>}; the body names it with {@code "hook": "<name>"}. */
    public static DjangoRoute hook(String name) {
        return new DjangoRoute(HOOKS + segment(name), "hook", name);
    }

    /** The route a request was sent to, as a Django stand-in sees it; empty when it is no Outrigger endpoint. */
    public static Optional<DjangoRoute> parse(String route) {
        if (route == null) {
            return Optional.empty();
        }
        if (route.equals(MAINTENANCE.path)) {
            return Optional.of(MAINTENANCE);
        }
        if (route.equals(VERIFY_WRITES.path)) {
            return Optional.of(VERIFY_WRITES);
        }
        String name = route.startsWith(TASKS) ? route.substring(TASKS.length())
                : route.startsWith(HOOKS) ? route.substring(HOOKS.length()) : null;
        if (name == null || !isSegment(name)) {
            return Optional.empty();
        }
        return Optional.of(route.startsWith(TASKS) ? task(name) : hook(name));
    }

    private static boolean isSegment(String name) {
        return SEGMENT.matcher(name).matches() && !name.equals(".") && !name.equals("..");
    }

    private static String segment(String name) {
        if (name == null || !isSegment(name)) {
            throw new IllegalArgumentException("'" + name + "' is not one URL path segment of letters, digits and ._~:@-");
        }
        return name;
    }

    /** The route, relative to the base URL: no leading slash, no query. It is both the URL path and the signed text. */
    public String path() {
        return path;
    }

    /** A new request body that already names this route's action; callers add their fields. */
    public ObjectNode newBody() {
        return Json.MAPPER.createObjectNode().put(actionField, action);
    }

    /** Whether body is a JSON object that names this action and no other (what Django checks before it runs anything). */
    public boolean isNamedBy(JsonNode body) {
        if (body == null || !body.isObject()) {
            return false;
        }
        JsonNode named = body.get(actionField);
        if (named == null || !named.isTextual() || !named.textValue().equals(action)) {
            return false;
        }
        return ACTION_FIELDS.stream().filter(f -> !f.equals(actionField)).noneMatch(body::has);
    }

    /** What the body must carry, for error messages: {@code "task": "reports.generate"}. */
    public String namedAs() {
        return "\"" + actionField + "\": \"" + action + "\"";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DjangoRoute other && other.path.equals(path);
    }

    @Override
    public int hashCode() {
        return path.hashCode();
    }

    @Override
    public String toString() {
        return path;
    }
}
