package dev.tagger.api;

import org.apache.catalina.Host;
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

    /** Writes a bare problem+json for any error status nothing else has answered. */
    public static class ProblemValve extends ErrorReportValve {

        @Override
        protected void report(Request request, Response response, Throwable throwable) {
            int status = response.getStatus();
            if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
                return;
            }
            HttpStatus known = HttpStatus.resolve(status);
            String title = known == null ? "Error" : known.getReasonPhrase();
            try {
                response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
                response.setCharacterEncoding(StandardCharsets.UTF_8);
                PrintWriter out = response.getReporter();
                if (out != null) {
                    out.write("{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + status
                            + ",\"detail\":\"" + detail(status) + "\"}");
                    out.flush();
                }
            } catch (IOException | IllegalStateException e) {
                // The connection is gone or the response was committed meanwhile: nothing more to say.
            }
        }

        private static String detail(int status) {
            return status == 400 ? "the request is malformed: the path or a header cannot be read (an encoded "
                    + "slash %2F or backslash %5C in the path is refused)" : "the request cannot be served";
        }
    }
}
