package dev.outrigger.local.cli;

import dev.outrigger.core.SignedDjangoClient;
import dev.outrigger.local.runtime.LocalFunction;
import dev.outrigger.local.runtime.LocalRuntime;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The part of the `local up` banner that says where Django is: the DJANGO_BASE_URL each function calls (the template's
 * DjangoBaseUrl, or the env file's), and whether anything answers there now. Any HTTP answer counts (a GET of the
 * base URL is a 404 or 405 in Django: it is there); no answer is a warning, not an error: Django may well be started
 * after the runtime.
 */
final class DjangoCheck {
    /** Short: it runs at every start, and a local Django answers within milliseconds. */
    static final Duration TIMEOUT = Duration.ofSeconds(2);

    private DjangoCheck() {
    }

    static void print(LocalRuntime rt, PrintStream out) {
        Map<String, List<String>> byUrl = urls(rt);
        if (byUrl.isEmpty()) {
            return;
        }
        out.println();
        out.println("Django (" + SignedDjangoClient.BASE_URL_ENV + " of the functions that call it):");
        HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
        List<String> warnings = new ArrayList<>();
        byUrl.forEach((url, functions) -> {
            Optional<String> problem = probe(http, url);
            out.println("  " + url + "  " + (problem.isEmpty() ? "answers" : "NOT ANSWERING") + "  <- " + String.join(", ", functions));
            problem.ifPresent(p -> warnings.add("warning: nothing answers at " + url + " (" + p + "): start Django there "
                    + "(python manage.py runserver " + hostPort(url) + "), or point " + SignedDjangoClient.BASE_URL_ENV
                    + " at it in --env-file (or --param DjangoBaseUrl=...). Until it answers, jobs are retried with backoff "
                    + "and dead-lettered after their last attempt"));
        });
        warnings.forEach(out::println);
    }

    /** Each distinct DJANGO_BASE_URL, with the functions that call it, in the template's order. */
    static Map<String, List<String>> urls(LocalRuntime rt) {
        Map<String, List<String>> byUrl = new LinkedHashMap<>();
        for (LocalFunction fn : rt.functions().values()) {
            fn.env().get(SignedDjangoClient.BASE_URL_ENV).filter(u -> !u.isBlank())
                    .ifPresent(u -> byUrl.computeIfAbsent(u, k -> new ArrayList<>()).add(fn.def().logicalId()));
        }
        return byUrl;
    }

    /** Empty when the URL answers with any HTTP status; otherwise why not. */
    static Optional<String> probe(HttpClient http, String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return Optional.of("not a URL: " + e.getMessage());
        }
        try {
            http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.discarding());
            return Optional.empty();
        } catch (ConnectException e) {
            return Optional.of("connection refused");
        } catch (HttpTimeoutException e) {
            return Optional.of("no answer within " + TIMEOUT.toSeconds() + " s");
        } catch (IOException | IllegalArgumentException e) {
            return Optional.of(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
    }

    private static String hostPort(String url) {
        URI u = URI.create(url);
        return u.getHost() + ":" + (u.getPort() == -1 ? ("https".equals(u.getScheme()) ? 443 : 80) : u.getPort());
    }
}
