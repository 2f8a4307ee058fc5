package dev.tagger.api;

import dev.tagger.io.Json;

import org.apache.catalina.Host;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Errors Tomcat answers itself, before any filter or controller runs (an encoded slash in the path, a malformed
 * request line), as problem+json instead of its HTML page. Tomcat reports those through the host's
 * ErrorReportValve, so this replaces that valve.
 */
@Component
class ContainerErrors implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof Host host && host instanceof StandardHost standard) {
                standard.setErrorReportValveClass(ProblemValve.class.getName());
            }
        });
    }

    /**
     * Writes a problem+json for any error status nothing else has answered. Tomcat's own sentence quotes the
     * request and names its internals, so the detail is ours, chosen by what Tomcat reports: the exception it
     * passes and the message it set.
     */
    public static class ProblemValve extends ErrorReportValve {

        @Override
        protected void report(Request request, Response response, Throwable throwable) {
            int status = response.getStatus();
            if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
                return;
            }
            HttpStatus known = HttpStatus.resolve(status);
            Map<String, Object> problem = new LinkedHashMap<>();
            problem.put("type", "about:blank");
            problem.put("title", known == null ? "Error" : known.getReasonPhrase());
            problem.put("status", status);
            problem.put("detail", detail(status, throwable == null ? "" : String.valueOf(throwable.getMessage()),
                    response.getMessage() == null ? "" : response.getMessage(), request.getConnector()));
            try {
                response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
                response.setCharacterEncoding(StandardCharsets.UTF_8);
                PrintWriter out = response.getReporter();
                if (out != null) {
                    out.write(Json.MAPPER.writeValueAsString(problem));
                    // Ended here, as Tomcat's own valve ends its page. (Answers that went out as a bare body without
                    // a status line were Tomcat's reused-processor HTTP/0.9 flag: server.tomcat.processor-cache.)
                    response.finishResponse();
                }
            } catch (IOException | IllegalStateException e) {
                // The connection is gone or the response was committed meanwhile: nothing more to say.
            }
        }

        private static String detail(int status, String failure, String message, Connector connector) {
            return switch (status) {
                case 400 -> badRequest(failure, message, connector);
                case 413 -> "the request is larger than the service accepts";
                case 417 -> "the Expect header is not accepted: only 'Expect: 100-continue' is";
                case 501 -> message.contains("CONNECT") ? "the CONNECT method is not supported"
                        : "the request's Transfer-Encoding is not implemented: send the body with Content-Length "
                        + "or 'Transfer-Encoding: chunked'";
                case 505 -> "the request's HTTP version is not supported: send HTTP/1.1";
                default -> "the request cannot be served (status " + status + ")";
            };
        }

        private static String badRequest(String failure, String message, Connector connector) {
            if (failure.contains("request target")) {
                return "the request's path holds a character a URI may not hold unencoded (a space, a control "
                        + "character, or one of \" < > \\ ^ ` { | }): percent-encode it";
            }
            if (message.startsWith("Invalid URI")) {
                return "the request's path cannot be decoded: a malformed %-escape, an encoded slash %2F or "
                        + "backslash %5C, an encoded NUL, or a '..' above the root is refused";
            }
            if (failure.contains("method name")) {
                return "the request's method is not a valid HTTP token";
            }
            if (failure.contains("HTTP protocol")) {
                return "the request line's HTTP version is malformed: send HTTP/1.1";
            }
            if (failure.contains("header is too large")) {
                return "the request line and headers are larger than the limit of "
                        + setting(connector, "maxHttpRequestHeaderSize", "8192") + " bytes";
            }
            if (failure.contains("number of headers")) {
                return "the request has more headers than the limit of " + setting(connector, "maxHeaderCount", "100");
            }
            if (failure.contains("header line")) {
                return "a header line is malformed: a name with a space or no colon, a folded line, or a control "
                        + "character";
            }
            if (failure.contains("domain name") || failure.contains("host")) {
                return "the Host header is not a valid host name and port";
            }
            return "the request is malformed: its request line, Host, Content-Length or Transfer-Encoding cannot be "
                    + "read, or they contradict each other";
        }

        private static String setting(Connector connector, String name, String fallback) {
            Object value = connector == null ? null : connector.getProperty(name);
            return value == null ? fallback : value.toString();
        }
    }
}
