package dev.tagger.api;

import dev.tagger.datasets.DatasetFormat;
import dev.tagger.datasets.DatasetInfo;
import dev.tagger.datasets.DatasetLimits;
import dev.tagger.datasets.DatasetParser;
import dev.tagger.datasets.DatasetProblem;
import dev.tagger.datasets.DatasetSaveResult;
import dev.tagger.datasets.DatasetStore;
import dev.tagger.training.jobs.JobRunner;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Training datasets: POST /datasets (a multipart upload with a {@code file} part, or the file as the raw body),
 * GET /datasets, GET /datasets/{id}, DELETE /datasets/{id}. An upload is validated whole: it is stored only when no
 * row has a problem, otherwise the answer is 422 listing the problems by line.
 */
@RestController
@RequestMapping("/datasets")
public class DatasetsController {

    private final DatasetStore store;
    private final DatasetLimits limits;
    private final JobRunner runner;

    public DatasetsController(DatasetStore store, DatasetLimits limits, JobRunner runner) {
        this.store = store;
        this.limits = limits;
        this.runner = runner;
    }

    /**
     * @param file       the dataset file (its name's ending tells the format unless {@code format} is given)
     * @param labels     the label list, comma-separated or repeated (required for TSV, whose label ids index it)
     * @param labelsFile the label list as a file, one label a line (e.g. GoEmotions' labels.txt)
     */
    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    public ResponseEntity<Map<String, Object>> uploadMultipart(
            @RequestPart(name = "file", required = false) MultipartFile file,
            @RequestParam(name = "name", required = false) String name,
            @RequestParam(name = "format", required = false) String format,
            @RequestParam(name = "labels", required = false) List<String> labels,
            @RequestPart(name = "labels_file", required = false) MultipartFile labelsFile) throws IOException {
        if (file == null) {
            throw ApiException.invalid("file", "the multipart upload needs a part named 'file' holding the dataset");
        }
        List<String> labelList = labels;
        if (labelsFile != null) {
            if (labels != null) {
                throw ApiException.invalid("labels", "give the labels as 'labels' or as 'labels_file', not both");
            }
            try (InputStream in = labelsFile.getInputStream()) {
                labelList = DatasetParser.readLabels(in);
            } catch (IOException e) {
                throw ApiException.invalid("labels_file", e.getMessage());
            }
        }
        String filename = file.getOriginalFilename();
        try (InputStream in = file.getInputStream()) {
            return save(name != null ? name : filename != null && !filename.isBlank() ? filename : "upload",
                    format(format, filename, file.getContentType()), in, labelList, "file");
        }
    }

    /** The dataset as the request body, e.g. {@code curl --data-binary @train.csv -H 'Content-Type: text/csv'}. */
    @PostMapping(consumes = "!" + MediaType.MULTIPART_FORM_DATA_VALUE)
    public ResponseEntity<Map<String, Object>> uploadRaw(
            HttpServletRequest request,
            @RequestParam(name = "name", required = false) String name,
            @RequestParam(name = "format", required = false) String format,
            @RequestParam(name = "labels", required = false) List<String> labels) throws IOException {
        String contentType = request.getContentType();
        if (contentType != null && contentType.startsWith(MediaType.APPLICATION_FORM_URLENCODED_VALUE)) {
            throw new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Content-Type", "a form-encoded body cannot "
                    + "carry a dataset: send the file with its own type (e.g. text/csv, application/jsonl, "
                    + "text/tab-separated-values) or as multipart/form-data", null);
        }
        return save(name != null ? name : "upload", format(format, null, contentType), request.getInputStream(),
                labels, "body");
    }

    private static DatasetFormat format(String format, String filename, String contentType) {
        try {
            return DatasetFormat.resolve(format, filename, contentType);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("format", e.getMessage());
        }
    }

    private ResponseEntity<Map<String, Object>> save(String name, DatasetFormat format, InputStream body,
                                                     List<String> labels, String sizeField) throws IOException {
        CountingStream in = new CountingStream(body);
        DatasetSaveResult result = store.save(name, format, in, labels, limits);
        if (!result.ok()) {
            if (in.count > limits.maxBytes()) {
                throw new ApiException(HttpStatus.CONTENT_TOO_LARGE, sizeField, "the dataset is larger than the "
                        + "limit of " + limits.maxBytes() + " bytes (tagger.datasets.max-bytes)", limits.maxBytes());
            }
            List<Map<String, Object>> errors = result.problems().stream().map(DatasetsController::problem).toList();
            DatasetProblem first = result.problems().get(0);
            throw ApiException.invalid(first.field() == null ? sizeField : first.field(), "the dataset has "
                            + result.problemCount() + " problem(s) and was not stored; first: " + first)
                    .with("errors", errors).with("error_count", result.problemCount());
        }
        DatasetInfo info = result.dataset();
        return ResponseEntity.created(URI.create("/datasets/" + info.id())).body(view(info));
    }

    private static Map<String, Object> problem(DatasetProblem p) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("line", p.line());
        if (p.field() != null) {
            out.put("field", p.field());
        }
        out.put("message", p.message());
        return out;
    }

    @GetMapping
    public Map<String, Object> list() throws IOException {
        return Map.of("items", store.list().stream().map(DatasetsController::view).toList());
    }

    @GetMapping("/{id}")
    public Map<String, Object> get(@PathVariable("id") String id) throws IOException {
        return view(find(id));
    }

    @DeleteMapping("/{id}")
    public ResponseEntity<Void> delete(@PathVariable("id") String id) throws IOException {
        find(id);
        if (runner.datasetsInUse().contains(id)) {
            throw ApiException.conflict("dataset " + id + " is used by a queued or running training job");
        }
        if (!store.delete(id)) {
            throw ApiException.notFound("no dataset with id '" + id + "'");
        }
        return ResponseEntity.noContent().build();
    }

    private DatasetInfo find(String id) throws IOException {
        Optional<DatasetInfo> info;
        try {
            info = store.get(DatasetStore.checkId(id));
        } catch (IllegalArgumentException e) {
            info = Optional.empty();
        }
        return info.orElseThrow(() -> ApiException.notFound("no dataset with id '" + id + "'"));
    }

    /** The dataset as the API shows it: counts, label frequencies and text-length percentiles (in characters). */
    static Map<String, Object> view(DatasetInfo d) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", d.id());
        out.put("name", d.name());
        out.put("created_at", d.createdAt().toString());
        out.put("format", d.format().name().toLowerCase(java.util.Locale.ROOT));
        out.put("bytes", d.bytes());
        out.put("rows", d.rows());
        out.put("labels", d.labels());
        out.put("label_counts", d.stats().labelCounts());
        Map<String, Double> freq = new LinkedHashMap<>();
        d.stats().labelCounts().forEach((l, n) -> freq.put(l,
                d.rows() == 0 ? 0.0 : Math.round(10000.0 * n / d.rows()) / 10000.0));
        out.put("label_frequencies", freq);
        out.put("unlabeled", d.stats().unlabeled());
        Map<String, Integer> len = new LinkedHashMap<>();
        len.put("p50", d.stats().textLength().p50());
        len.put("p90", d.stats().textLength().p90());
        len.put("p99", d.stats().textLength().p99());
        len.put("max", d.stats().textLength().max());
        out.put("text_length_chars", len);
        return out;
    }

    /** Counts the bytes read, to tell an upload over the size limit from one with bad rows. */
    private static final class CountingStream extends FilterInputStream {
        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
