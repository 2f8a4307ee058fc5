package dev.tagger.api;

import dev.tagger.datasets.DatasetFormat;
import dev.tagger.datasets.DatasetInfo;
import dev.tagger.datasets.DatasetLimits;
import dev.tagger.datasets.DatasetParser;
import dev.tagger.datasets.DatasetProblem;
import dev.tagger.datasets.DatasetRepository;
import dev.tagger.datasets.DatasetSaveResult;
import dev.tagger.datasets.DatasetUploads;
import dev.tagger.datasets.LongTexts;
import dev.tagger.training.jobs.JobRunner;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
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
import org.springframework.web.bind.annotation.RestController;
import org.springframework.util.StringUtils;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Training datasets: POST /datasets (a multipart upload with a {@code file} part, or the file as the raw body),
 * GET /datasets, GET /datasets/{id}, DELETE /datasets/{id}. An upload is validated whole: it is stored only when no
 * row has a problem, otherwise the answer is 422 listing the problems by line. The upload's OpenAPI text, shared by
 * its two handler methods, is in {@link DatasetsApiDocs}.
 */
@RestController
@RequestMapping("/datasets")
@Tag(name = "datasets", description = "Training data: upload, inspect, delete")
public class DatasetsController {

    private final DatasetRepository datasets;
    private final DatasetUploads datasetUploads;
    private final UploadFolder uploads;
    private final DatasetLimits limits;
    private final JobRunner runner;

    public DatasetsController(DatasetRepository datasets, DatasetLimits limits, JobRunner runner,
                              UploadFolder uploads) {
        this.datasets = datasets;
        this.uploads = uploads;
        this.datasetUploads = new DatasetUploads(datasets);
        this.limits = limits;
        this.runner = runner;
    }

    /**
     * Parts: {@code file}, the dataset (its name's ending tells the format unless {@code format} is given);
     * {@code labels}, the label list, comma-separated or repeated (required for TSV, whose label ids index it);
     * {@code labels_file}, the label list as a file, one label a line (e.g. GoEmotions' labels.txt); {@code name}
     * and {@code format}. The fields may also come in the query string.
     */
    @DatasetsApiDocs.Upload
    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    public ResponseEntity<DatasetResponse> uploadMultipart(
            HttpServletRequest request,
            @Parameter(description = DatasetsApiDocs.NAME) @RequestParam(name = "name", required = false) String name,
            @Parameter(description = DatasetsApiDocs.FORMAT) @RequestParam(name = "format", required = false)
            String format,
            @Parameter(description = DatasetsApiDocs.LABELS) @RequestParam(name = "labels", required = false)
            List<String> labels,
            @Parameter(description = DatasetsApiDocs.LONG_TEXTS, schema = @Schema(allowableValues = {"reject",
                    "truncate"})) @RequestParam(name = "long_texts", required = false) String longTexts)
            throws IOException {
        // The file part is spooled (at most max-bytes) because the fields that say how to read it may follow it.
        Path spool = uploads.newFolder("dataset-");
        try {
            Path copy = spool.resolve("file");
            MultipartForm<Path> form = MultipartForm.read(request, new MultipartForm.Limit("file", "the dataset",
                    limits.maxBytes(), "tagger.datasets.max-bytes"), (filename, type, in) -> {
                        Files.copy(in, copy);
                        return copy;
                    });
            if (!form.hasFile()) {
                throw ApiException.invalid("file", "the multipart upload needs a part named 'file' holding the dataset");
            }
            List<String> labelList = form.has("labels") ? commaSeparated(form.values("labels")) : labels;
            if (form.has("labels_file")) {
                if (labelList != null) {
                    throw ApiException.invalid("labels", "give the labels as 'labels' or as 'labels_file', not both");
                }
                try {
                    labelList = DatasetParser.readLabels(new ByteArrayInputStream(form.bytes("labels_file")));
                } catch (IOException e) {
                    throw ApiException.invalid("labels_file", e.getMessage());
                }
            }
            String filename = form.filename();
            String formName = form.has("name") ? form.value("name") : name;
            LongTexts mode = longTexts(form.has("long_texts") ? form.value("long_texts") : longTexts);
            try (InputStream in = Files.newInputStream(form.file())) {
                return save(formName != null ? formName : filename != null && !filename.isBlank() ? filename : "upload",
                        format(form.has("format") ? form.value("format") : format, filename,
                                form.contentType()), in, labelList, "file", mode);
            }
        } finally {
            uploads.remove(spool);
        }
    }

    /** The dataset as the request body, e.g. {@code curl --data-binary @train.csv -H 'Content-Type: text/csv'}. */
    @DatasetsApiDocs.Upload
    @PostMapping(consumes = "!" + MediaType.MULTIPART_FORM_DATA_VALUE)
    public ResponseEntity<DatasetResponse> uploadRaw(
            HttpServletRequest request,
            @Parameter(description = DatasetsApiDocs.NAME) @RequestParam(name = "name", required = false) String name,
            @Parameter(description = DatasetsApiDocs.FORMAT) @RequestParam(name = "format", required = false)
            String format,
            @Parameter(description = DatasetsApiDocs.LABELS) @RequestParam(name = "labels", required = false)
            List<String> labels,
            @Parameter(description = DatasetsApiDocs.LONG_TEXTS, schema = @Schema(allowableValues = {"reject",
                    "truncate"})) @RequestParam(name = "long_texts", required = false) String longTexts)
            throws IOException {
        String contentType = request.getContentType();
        if (contentType != null && contentType.startsWith(MediaType.APPLICATION_FORM_URLENCODED_VALUE)) {
            throw new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Content-Type", "a form-encoded body cannot "
                    + "carry a dataset: send the file with its own type (e.g. text/csv, application/jsonl, "
                    + "text/tab-separated-values) or as multipart/form-data", null);
        }
        LongTexts mode = longTexts(longTexts);
        return save(name != null ? name : "upload", format(format, null, contentType), request.getInputStream(),
                labels, "body", mode);
    }

    /** As Spring binds a list parameter: one value is split at commas, repeated values are taken as they are. */
    private static List<String> commaSeparated(List<String> values) {
        if (values.size() != 1) {
            return values;
        }
        return java.util.Arrays.stream(StringUtils.commaDelimitedListToStringArray(values.get(0)))
                .map(String::trim).toList();
    }

    private static DatasetFormat format(String format, String filename, String contentType) {
        try {
            return DatasetFormat.resolve(format, filename, contentType);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("format", e.getMessage());
        }
    }

    private static LongTexts longTexts(String value) {
        try {
            return value == null ? LongTexts.REJECT : LongTexts.parse(value);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("long_texts", e.getMessage());
        }
    }

    private ResponseEntity<DatasetResponse> save(String name, DatasetFormat format, InputStream body,
                                                 List<String> labels, String sizeField, LongTexts longTexts)
            throws IOException {
        CountingStream in = new CountingStream(body);
        DatasetSaveResult result = datasetUploads.save(name, format, in, labels, limits, longTexts);
        if (!result.ok()) {
            if (in.count > limits.maxBytes()) {
                throw new ApiException(HttpStatus.CONTENT_TOO_LARGE, sizeField, "the dataset is larger than the "
                        + "limit of " + limits.maxBytes() + " bytes (tagger.datasets.max-bytes)", limits.maxBytes());
            }
            List<DatasetResponse.UploadError> errors = result.problems().stream()
                    .map(DatasetResponse.UploadError::of).toList();
            DatasetProblem first = result.problems().get(0);
            throw ApiException.invalid(first.field() == null ? sizeField : first.field(), "the dataset has "
                            + result.problemCount() + " problem(s) and was not stored; first: " + first)
                    .with("errors", errors).with("error_count", result.problemCount());
        }
        DatasetInfo info = result.dataset();
        return ResponseEntity.created(URI.create("/datasets/" + info.id())).body(DatasetResponse.of(info));
    }

    @Operation(operationId = "listDatasets", summary = "List the datasets", description = "Every stored dataset with its statistics, oldest "
            + "first. Needs an admin key.")
    @ApiResponse(responseCode = "200", description = "The datasets", content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = DatasetResponse.Items.class),
            examples = @ExampleObject(value = "{\"items\": [" + DatasetsApiDocs.DATASET_EXAMPLE + "]}")))
    @DatasetsApiDocs.Forbidden
    @GetMapping
    public DatasetResponse.Items list() throws IOException {
        return new DatasetResponse.Items(datasets.list().stream().map(DatasetResponse::of).toList());
    }

    @Operation(operationId = "getDataset", summary = "One dataset", description = "Its counts, label frequencies and text-length "
            + "percentiles. Needs an admin key.")
    @ApiResponse(responseCode = "200", description = "The dataset", content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = DatasetResponse.class),
            examples = @ExampleObject(value = DatasetsApiDocs.DATASET_EXAMPLE)))
    @DatasetsApiDocs.NotFound
    @DatasetsApiDocs.Forbidden
    @GetMapping("/{id}")
    public DatasetResponse get(@PathVariable("id") String id) throws IOException {
        return DatasetResponse.of(find(id));
    }

    @Operation(operationId = "deleteDataset", summary = "Delete a dataset", description = "Removes it for good. Refused while a queued or "
            + "running training job uses it. Needs an admin key.")
    @ApiResponse(responseCode = "204", description = "Deleted")
    @DatasetsApiDocs.NotFound
    @ApiResponse(responseCode = "409", description = "A queued or running training job uses the dataset",
            content = @Content(mediaType = OpenApiConfig.PROBLEM_JSON, schema = @Schema(ref = OpenApiConfig.PROBLEM)))
    @DatasetsApiDocs.Forbidden
    @DeleteMapping("/{id}")
    public ResponseEntity<Void> delete(@PathVariable("id") String id) throws IOException {
        find(id);
        if (runner.datasetsInUse().contains(id)) {
            throw ApiException.conflict("dataset " + id + " is used by a queued or running training job");
        }
        if (!datasets.delete(id)) {
            throw ApiException.notFound("no dataset with id '" + id + "'");
        }
        return ResponseEntity.noContent().build();
    }

    private DatasetInfo find(String id) throws IOException {
        Optional<DatasetInfo> info;
        try {
            info = datasets.find(DatasetRepository.checkId(id));
        } catch (IllegalArgumentException e) {
            info = Optional.empty();
        }
        return info.orElseThrow(() -> ApiException.notFound("no dataset with id '" + id + "'"));
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
