package dev.tagger.security;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What the firewall's refusals say about the path. */
class RejectedRequestsTest {

    @Test
    void eachRefusedPathSaysWhatItHolds() {
        assertThat(RejectedRequests.pathProblem("/models/a;b")).contains("';'");
        assertThat(RejectedRequests.pathProblem("/models/%3Bjsessionid=x")).contains("';'");
        assertThat(RejectedRequests.pathProblem("/models/%252F")).contains("%25");
        assertThat(RejectedRequests.pathProblem("/models/%2e%2e")).contains("%2E");
        assertThat(RejectedRequests.pathProblem("/classify-jobs/a//b")).contains("'//'");
        assertThat(RejectedRequests.pathProblem("/models/..")).contains("'..'");
        assertThat(RejectedRequests.pathProblem("/models/./x")).contains("'.'");
        assertThat(RejectedRequests.pathProblem("/models/%0D%0ASet-Cookie")).contains("control character");
        assertThat(RejectedRequests.pathProblem("/models/plain-id")).isNull();
    }
}
