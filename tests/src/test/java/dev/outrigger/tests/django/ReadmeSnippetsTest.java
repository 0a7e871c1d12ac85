package dev.outrigger.tests.django;

import static org.assertj.core.api.Assertions.assertThat;

import dev.outrigger.tests.django.ReadmeSnippets.Marker;
import dev.outrigger.tests.django.ReadmeSnippets.Snippet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Python and shell snippet of the Django READMEs says what DocsFirstJobIT does with it, so none can be added
 * that the test would not run (or knowingly skip). Fast, and without Django: the IT runs them.
 */
class ReadmeSnippetsTest {
    static final Path ROOT = DjangoHarness.repositoryRoot();

    @Test
    void everyCodeSnippetOfThePackageReadme_isMarked() throws Exception {
        List<Snippet> snippets = ReadmeSnippets.read(ROOT.resolve("clients/django/README.md"), null);
        assertThat(ReadmeSnippets.problems(snippets)).isEmpty();
        // the walkthrough is there: a project, its files, Django in the background, local up, a first job
        assertThat(snippets).extracting(Snippet::marker).hasAtLeastOneElementOfType(Marker.RunInEmptyDirectory.class)
                .hasAtLeastOneElementOfType(Marker.RunInBackground.class).hasAtLeastOneElementOfType(Marker.LocalUp.class)
                .hasAtLeastOneElementOfType(Marker.Pipe.class).hasAtLeastOneElementOfType(Marker.Append.class);
    }

    @Test
    void theRootReadmesDjangoSection_hasNoSecondCopy_onlyMarkedSnippets() throws Exception {
        List<Snippet> snippets = ReadmeSnippets.read(ROOT.resolve("README.md"), "## For Django users");
        assertThat(ReadmeSnippets.problems(snippets)).isEmpty();
    }

    @Test
    void anUnmarkedOrMisspelledSnippet_isAProblemNamingItsLine(@TempDir Path dir) throws Exception {
        Path md = dir.resolve("README.md");
        Files.writeString(md, String.join("\n",
                "# x", "", "```python", "print(1)", "```", "",
                "<!-- docs-test: run everywhere -->", "```sh", "ls", "```", "",
                "<!-- docs-test: local up: in process -->", "```sh", "./outrigger local down", "```", "",
                "<!-- docs-test: skip: needs AWS -->", "```json", "{}", "```", "",
                "```json", "{}", "```", ""));
        assertThat(ReadmeSnippets.problems(ReadmeSnippets.read(md, null))).containsExactly(
                "README.md:3: a python snippet without a <!-- docs-test: … --> line before it (see ReadmeSnippets for what it may say)",
                "README.md:8: 'run everywhere' is not a docs-test marker (see ReadmeSnippets)",
                "README.md:13: a local up snippet must end with ./outrigger local up",
                "README.md:18: a json fence can only be written to a file, not skip: needs AWS");
    }

    @Test
    void markers_parseToWhatTheTestDoes() {
        assertThat(Marker.parse("append to mysite/settings.py")).isEqualTo(new Marker.Append("mysite/settings.py"));
        assertThat(Marker.parse("write reports/tasks.py")).isEqualTo(new Marker.Write("reports/tasks.py"));
        assertThat(Marker.parse("write ../outside.py")).isNull();
        assertThat(Marker.parse("run in mysite/ with: python3 manage.py shell")).isEqualTo(new Marker.Pipe("python3 manage.py shell"));
        assertThat(Marker.parse("run in mysite/, in the background")).isEqualTo(new Marker.RunInBackground());
        assertThat(Marker.parse("skip: ")).isNull();
    }
}
