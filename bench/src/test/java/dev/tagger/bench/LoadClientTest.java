package dev.tagger.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The load client against a stand-in for the service on a loopback port (no model, no Spring). */
class LoadClientTest {

    private static final List<String> TEXTS = List.of("one", "busy two", "three!", "four", "busy five");
    private static final List<String> LABELS = List.of("a", "b");

    private HttpServer server;
    private ExecutorService executor;
    private String url;
    private final Map<String, Integer> seen = new ConcurrentHashMap<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/classify", this::classify);
        server.createContext("/actuator/prometheus", ex -> answer(ex, 200, """
                # HELP tagger_batch_size texts per batch
                tagger_batch_size_count{device="cpu(0)"} 10.0
                tagger_batch_size_sum{device="cpu(0)"} 30.0
                tagger_batch_size_count{device="cpu(1)"} 2.0
                tagger_batch_size_sum{device="cpu(1)"} 4.0
                tagger_queue_depth 0.0
                """));
        server.createContext("/actuator/health/readiness", ex -> answer(ex, 200, "{\"status\":\"UP\"}"));
        executor = Executors.newFixedThreadPool(8);
        server.setExecutor(executor);
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** 429 for texts that start with "busy"; otherwise a's score is the text's length in hundredths. */
    private void classify(HttpExchange ex) throws IOException {
        String text = BenchResults.JSON.readTree(ex.getRequestBody().readAllBytes()).path("text").asString();
        seen.merge(text + " " + ex.getRequestHeaders().getFirst("Content-Type"), 1, Integer::sum);
        if (text.startsWith("busy")) {
            answer(ex, 429, "{\"status\":429}");
            return;
        }
        ex.getResponseHeaders().add("x-total-time", "4.0");
        ex.getResponseHeaders().add("x-queue-time", "1.0");
        ex.getResponseHeaders().add("x-inference-time", "2.5");
        answer(ex, 200, "{\"results\":[{\"scores\":{\"b\":0.75,\"a\":" + text.length() / 100.0 + "}}]}");
    }

    private static void answer(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    @ParameterizedTest
    @EnumSource(LoadClient.Transport.class)
    void eachTextOnceCountsStatusesTimingsAndHandsEveryAnswerToTheSink(LoadClient.Transport transport) throws Exception {
        LoadClient client = new LoadClient(url, TEXTS, LABELS, transport);
        Map<Integer, float[]> answers = new ConcurrentHashMap<>();

        LoadClient.Outcome o = client.closedLoop(3, LoadClient.once(List.of(0, 1, 2, 3, 4)), 0, Long.MAX_VALUE, 0,
                (i, body) -> answers.put(i, client.probabilities(body)));

        assertThat(o.statuses()).containsExactlyInAnyOrderEntriesOf(Map.of("200", 3L, "429", 2L));
        assertThat(o.count("200")).isEqualTo(3);
        assertThat(o.count("503")).isZero();
        assertThat(o.ok().size()).isEqualTo(3);
        assertThat(o.rejected().size()).isEqualTo(2);
        assertThat(o.server()).isEqualTo(new BenchResults.ServerTime(4.0, 1.0, 2.5));
        assertThat(answers.keySet()).containsExactlyInAnyOrder(0, 2, 3);
        // label order, not the answer's order
        assertThat(answers.get(0)).containsExactly(0.03f, 0.75f);
        assertThat(answers.get(2)).containsExactly(0.06f, 0.75f);
        assertThat(seen).containsOnlyKeys(TEXTS.stream().map(t -> t + " application/json").toArray(String[]::new))
                .allSatisfy((k, v) -> assertThat(v).isEqualTo(1));
    }

    @Test
    void anAnswerWithoutALabelsScoreIsAnError() {
        LoadClient client = new LoadClient(url, TEXTS, List.of("a", "c"));

        assertThatThrownBy(() -> client.probabilities("{\"results\":[{\"scores\":{\"a\":0.5}}]}"
                .getBytes(StandardCharsets.UTF_8))).isInstanceOf(IllegalStateException.class).hasMessageContaining("'c'");
    }

    @Test
    void batchSizeTotalsSumEverySeriesOfTheHistogram() throws Exception {
        double[] totals = new LoadClient(url, TEXTS, LABELS).batchSizeTotals();

        assertThat(totals).containsExactly(34.0, 12.0);
    }

    @Test
    void getReportsTheStatusOrMinusOneWhenNothingAnswers() {
        LoadClient client = new LoadClient(url, TEXTS, LABELS);
        assertThat(client.get("actuator/health/readiness")).isEqualTo(200);
        assertThat(client.get("nothing-here")).isEqualTo(404);

        server.stop(0);
        assertThat(client.get("actuator/health/readiness")).isEqualTo(-1);
    }

    @ParameterizedTest
    @EnumSource(LoadClient.Transport.class)
    void transportErrorsAreCountedAsIo(LoadClient.Transport transport) throws Exception {
        LoadClient client = new LoadClient(url, TEXTS, LABELS, transport);
        server.stop(0);

        LoadClient.Outcome o = client.closedLoop(1, LoadClient.once(List.of(0, 2)), 0, Long.MAX_VALUE, 0, null);

        assertThat(o.statuses()).containsExactlyEntriesOf(Map.of("io", 2L));
        assertThat(o.ok().latency()).isEqualTo(Latency.EMPTY);
    }

    @Test
    void cyclingGoesThroughEveryTextInFileOrderAndStartsAgain() {
        LoadClient.Next next = new LoadClient(url, TEXTS, LABELS).cycling();

        assertThat(IntStream.range(0, 7).map(i -> next.next()).toArray()).containsExactly(0, 1, 2, 3, 4, 0, 1);
    }

    @Test
    void onceRunsDry() {
        LoadClient.Next next = LoadClient.once(List.of(7, 3));

        assertThat(IntStream.range(0, 4).map(i -> next.next()).toArray()).containsExactly(7, 3, -1, -1);
    }
}
