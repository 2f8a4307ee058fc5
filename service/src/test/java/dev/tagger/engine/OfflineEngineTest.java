package dev.tagger.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nothing calls home: a child JVM with no offline flag of its own starts the engine, loads the default
 * model and classifies a text; it must report DJL's offline mode, and, under strace, open no network
 * connection except on loopback (and local sockets).
 */
class OfflineEngineTest {

    private static final Pattern INET = Pattern.compile("connect\\(.*sa_family=AF_INET6?,.*?(inet_addr\\(\"([^\"]+)\"\\)|inet_pton\\(AF_INET6, \"([^\"]+)\")");

    @Test
    void theEngineStartsAndClassifiesWithoutAnyOutboundConnection(@TempDir Path tmp) throws Exception {
        Path trace = tmp.resolve("connect.trace");
        boolean strace = new File("/usr/bin/strace").canExecute();
        if (Boolean.getBoolean("tagger.require-tools")) {
            assertThat(strace).as("CI installs strace for this check").isTrue();
        }
        List<String> cmd = new ArrayList<>();
        if (strace) {
            cmd.addAll(List.of("/usr/bin/strace", "-f", "-qq", "-e", "trace=connect", "-o", trace.toString()));
        }
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), OfflineProbe.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("OPT_OUT_TRACKING");
        pb.environment().remove("DJL_OFFLINE");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("offline=true labels=28");
        if (strace) {
            List<String> outbound = new ArrayList<>();
            for (String line : Files.readAllLines(trace)) {
                Matcher m = INET.matcher(line);
                if (m.find()) {
                    String addr = m.group(2) != null ? m.group(2) : m.group(3);
                    if (!addr.startsWith("127.") && !addr.equals("::1")) {
                        outbound.add(line);
                    }
                }
            }
            assertThat(outbound).as("connections to non-loopback addresses").isEmpty();
        }
    }
}
