package dev.outrigger.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.outrigger.local.runtime.LocalRuntime;
import dev.outrigger.local.runtime.RuntimeOptions;
import dev.outrigger.testing.TestTemplates;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The `local up` banner names the Django URL the functions call and says whether anything answers there. */
class DjangoCheckIT {

    private static String banner(String djangoBaseUrl) throws Exception {
        Path template = TestTemplates.path("poller-it.yaml");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (LocalRuntime rt = LocalRuntime.start(RuntimeOptions.builder(template).port(0).serviceLoaderExtensions(false)
                .pollers(false).env("DJANGO_BASE_URL", djangoBaseUrl).stopGrace(Duration.ofSeconds(1)).console(out).build())) {
            Banner.print(rt, out);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void banner_printsTheDjangoUrlEachFunctionCalls_andAnyHttpAnswerCounts() throws Exception {
        // Django answers a GET of the base URL with 404 (no view there): it is up
        HttpServer django = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        django.createContext("/", ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        django.start();
        try {
            String url = "http://127.0.0.1:" + django.getAddress().getPort() + "/internal/outrigger/";
            String out = banner(url);
            assertThat(out).contains("Django (DJANGO_BASE_URL of the functions that call it):")
                    .contains("  " + url + "  answers  <- PartialFunction, ThrowFunction")
                    .doesNotContain("warning: nothing answers");
        } finally {
            django.stop(0);
        }
    }

    @Test
    void banner_warnsWhenNothingAnswers_sayingHowToFixIt() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port + "/internal/outrigger/";

        String out = banner(url);

        assertThat(out).contains("  " + url + "  NOT ANSWERING  <- PartialFunction")
                .contains("warning: nothing answers at " + url + " (connection refused): start Django there "
                        + "(python manage.py runserver 127.0.0.1:" + port + "), or point DJANGO_BASE_URL at it in --env-file "
                        + "(or --param DjangoBaseUrl=...)");
        // a warning, not an error: the rest of the banner is printed
        assertThat(out).contains("Ctrl-C stops");
    }
}
