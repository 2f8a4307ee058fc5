package dev.tagger.api;

import jakarta.servlet.DispatcherType;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Which request ids are kept, and that the id is in the MDC while the request runs and gone after. */
class RequestIdFilterTest {

    private static boolean isUuid(String s) {
        return UUID.fromString(s).toString().equals(s);
    }

    @Test
    void aPlausibleIdIsKept() {
        assertThat(RequestIdFilter.accept("abc-123_X.y")).isEqualTo("abc-123_X.y");
        String longest = "a".repeat(64);
        assertThat(RequestIdFilter.accept(longest)).isEqualTo(longest);
    }

    @Test
    void anythingElseGetsANewUuid() {
        for (String bad : new String[] {null, "", "a".repeat(65), "with space", "semi;colon", "new\nline", "é",
                "<script>", "a/b", "a=b"}) {
            String id = RequestIdFilter.accept(bad);
            assertThat(id).as(String.valueOf(bad)).isNotEqualTo(bad);
            assertThat(isUuid(id)).isTrue();
        }
        assertThat(RequestIdFilter.accept(null)).isNotEqualTo(RequestIdFilter.accept(null));
    }

    @Test
    void theIdIsInTheMdcDuringTheRequestAndInTheResponseHeader() throws Exception {
        RequestIdFilter filter = new RequestIdFilter();
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/classify");
        request.addHeader(RequestIdFilter.HEADER, "trace-7");
        MockHttpServletResponse response = new MockHttpServletResponse();
        List<String> seen = new ArrayList<>();
        filter.doFilter(request, response, (req, res) -> seen.add(MDC.get(RequestIdFilter.MDC_KEY)));
        assertThat(seen).containsExactly("trace-7");
        assertThat(response.getHeader(RequestIdFilter.HEADER)).isEqualTo("trace-7");
        assertThat(MDC.get(RequestIdFilter.MDC_KEY)).isNull();

        // The async dispatch of the same request (another thread, in the server) keeps the id.
        request.setDispatcherType(DispatcherType.ASYNC);
        request.removeHeader(RequestIdFilter.HEADER);
        filter.doFilter(request, response, (req, res) -> seen.add(MDC.get(RequestIdFilter.MDC_KEY)));
        assertThat(seen).containsExactly("trace-7", "trace-7");
        assertThat(MDC.get(RequestIdFilter.MDC_KEY)).isNull();
    }
}
