package dev.tagger.api;

import dev.tagger.catalog.ModelCatalog;
import dev.tagger.config.TaggerProperties;
import dev.tagger.model.ModelBundle;
import dev.tagger.model.format.Archives;
import dev.tagger.model.format.HfExport;
import dev.tagger.model.format.SentenceTransformersExport;
import dev.tagger.model.format.TorchScriptExport;
import dev.tagger.model.format.ModelImporter;
import dev.tagger.model.format.UnpackBudget;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Bring your own model: POST /models registers a Hugging Face checkpoint (a directory on the server, or an
 * uploaded zip / tar / tar.gz, raw or as the multipart part "file"), validates it and stores it; it is served
 * once deployed (POST /models/{id}/deploy). GET /models/{id}/export returns a model as a Hugging Face checkpoint
 * (tar.gz). A TorchScript model (model.pt, tokenizer.json, labels.json or config.json with id2label, optional
 * thresholds.json) registers the same way; it is served but never trained from or exported.
 * Registrations run one at a time: each loads the model on the CPU to validate it.
 */
@RestController
@Tag(name = "models", description = "The models: which one is served")
public class ModelImportController {

    private static final Logger log = LoggerFactory.getLogger(ModelImportController.class);
    private static final String GZIP = "application/gzip";
    /** How long a refused upload is told to wait for others to free the unpack budget. */
    private static final long UNPACK_RETRY_SECONDS = 10;

    private final ModelCatalog registry;
    private final Archives.Limits limits;
    private final long maxUploadBytes;
    private final UnpackBudget unpackBudget;
    private final UploadFolder uploads;
    private final ModelImportGates gates;
    private final Object lock = new Object();

    public ModelImportController(ModelCatalog registry, TaggerProperties props, UploadFolder uploads) {
        this.registry = registry;
        this.gates = new ModelImportGates(props.models());
        this.limits = new Archives.Limits(props.models().maxUnpackedBytes().toBytes(), props.models().maxEntries());
        this.maxUploadBytes = props.models().maxUploadBytes().toBytes();
        // One archive may take the whole budget, two at once may not: disk for unpacking stays bounded.
        this.unpackBudget = new UnpackBudget(limits.maxBytes());
        this.uploads = uploads;
    }

    /**
     * The description of POST /models, on each of its three handlers: springdoc documents them as one operation and
     * keeps what the last one it reads says.
     */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @Operation(summary = "Register a model", description = "A Hugging Face checkpoint (or a TorchScript model) from a "
            + "directory on the server inside tagger.models.import-root (JSON body), or uploaded as a zip, tar or "
            + "tar.gz body or as the multipart part "
            + "\"file\", with the options in the query string. Validated by loading it on the CPU and running a probe "
            + "text; stored, not served (deploy it). Needs the admin key.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = {
                    @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                            schema = @Schema(implementation = RegisterModelRequest.Body.class)),
                    @Content(mediaType = "application/octet-stream", schema = @Schema(type = "string",
                            format = "binary", description = "A zip, tar or tar.gz of the checkpoint: config.json, "
                            + "model.safetensors and tokenizer.json, at the top or in one folder (also sent as "
                            + "application/zip, application/x-tar or application/gzip)")),
                    @Content(mediaType = MediaType.MULTIPART_FORM_DATA_VALUE,
                            schema = @Schema(implementation = ArchiveUpload.class))}))
    @ApiResponse(responseCode = "201", description = "Registered; Location names the model", content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = ModelRegistration.class)))
    @ApiResponse(responseCode = "400", description = "The body is not valid JSON")
    @ApiResponse(responseCode = "403", description = "The key is not an admin key; or the body names a server path "
            + "and tagger.models.import-root is not set; or the model is TorchScript and "
            + "tagger.models.allow-torchscript is not true (the problem's \"setting\" names which)")
    @ApiResponse(responseCode = "409", description = "A model with this id already exists")
    @ApiResponse(responseCode = "413", description = "The body is larger than tagger.api.max-body-bytes (JSON) or "
            + "tagger.models.max-upload-bytes (uploads)")
    @ApiResponse(responseCode = "415", description = "The content type is none of JSON, an archive or multipart")
    @ApiResponse(responseCode = "422", description = "A field is wrong, or the checkpoint or archive is refused "
            + "(the detail names the missing or mis-shaped file or tensor)")
    @interface RegisterModel {
    }

    /** The multipart form of POST /models, for the OpenAPI description only. */
    @Schema(name = "ModelUpload")
    record ArchiveUpload(@Schema(description = "A zip, tar or tar.gz of the checkpoint", type = "string",
            format = "binary") String file) {
    }

    @RegisterModel
    @PostMapping(value = "/models", consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<ModelRegistration> registerPath(@RequestBody JsonNode body) {
        RegisterModelRequest req = RegisterModelRequest.parse(body, gates::checkpointFolder);
        return register(req.id(), req.dir(), req.options());
    }

    @RegisterModel
    @PostMapping(value = "/models", consumes = {"application/zip", "application/x-zip-compressed", "application/x-tar",
            GZIP, "application/x-gzip", "application/x-compressed-tar", "application/octet-stream"})
    public ResponseEntity<ModelRegistration> registerArchive(
            @RequestParam(name = "id", required = false) String id,
            @RequestParam(name = "problem_type_override", required = false) String override,
            @RequestParam(name = "threshold", required = false) Float threshold,
            @RequestParam(name = "thresholds", required = false) String thresholds,
            HttpServletRequest request) throws IOException {
        checkNewId(id);
        return registerUpload(id, request.getInputStream(), new ModelImporter.Options(override, threshold,
                RegisterModelRequest.parseThresholds(thresholds), "upload"));
    }

    @RegisterModel
    @PostMapping(value = "/models", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    public ResponseEntity<ModelRegistration> registerMultipart(
            HttpServletRequest request,
            @RequestParam(name = "id", required = false) String id,
            @RequestParam(name = "problem_type_override", required = false) String override,
            @RequestParam(name = "threshold", required = false) Float threshold,
            @RequestParam(name = "thresholds", required = false) String thresholds) throws IOException {
        // The query parameters are bound for the OpenAPI description and to refuse a taken id before reading;
        // the values are read through the form, whose fields fall back to them.
        if (id != null) {
            checkNewId(id);
        }
        return unpacked((dir, lease) -> {
            MultipartForm<Long> form = MultipartForm.read(request, new MultipartForm.Limit("file", "the upload",
                    maxUploadBytes, "tagger.models.max-upload-bytes"), (name, type, in) -> unpack(in, dir, lease));
            if (!form.hasFile()) {
                throw ApiException.invalid("file", "the multipart part \"file\" (a zip, tar or tar.gz checkpoint) is required");
            }
            String formId = form.value("id");
            checkNewId(formId);
            String formThreshold = form.value("threshold");
            Float t;
            try {
                t = formThreshold == null ? null : Float.valueOf(formThreshold);
            } catch (NumberFormatException e) {
                throw ApiException.invalid("threshold", "threshold must be a number");
            }
            return register(formId, dir, new ModelImporter.Options(form.value("problem_type_override"), t,
                    RegisterModelRequest.parseThresholds(form.value("thresholds")),
                    "upload:" + (form.filename() == null ? "file" : form.filename())));
        });
    }

    @Operation(summary = "Export a model (tar.gz): a Hugging Face checkpoint or a sentence-transformers folder",
            description = "format=hf: config.json (BertForSequenceClassification, multi_label_classification), "
                    + "model.safetensors (F32, every tensor under its Hugging Face name), tokenizer.json, "
                    + "thresholds.json, card.json; for models that pool with 'pooler'. format=sentence-transformers: "
                    + "a folder SentenceTransformer(dir) loads (modules.json, 1_Pooling, BertModel weights, "
                    + "tokenizer.json) plus the head (tagger_head.safetensors, labels.json, thresholds.json) and "
                    + "apply_head.py; for models that pool by mean or [CLS], as the built-in model and every trained "
                    + "model do. format=torchscript: model.pt that torch.jit.load runs (input_ids, attention_mask, "
                    + "token_type_ids -> logits; fp32, weights inside), tokenizer.json, labels.json, thresholds.json, "
                    + "config.json; for every BERT model. format=auto (default) picks hf or sentence-transformers, "
                    + "whichever the model has. Needs the admin key.")
    @ApiResponse(responseCode = "200", description = "The export as <id>.tar.gz", content = @Content(
            mediaType = GZIP, schema = @Schema(type = "string", format = "binary")))
    @ApiResponse(responseCode = "403", description = "The key is not an admin key")
    @ApiResponse(responseCode = "404", description = "No model has this id")
    @ApiResponse(responseCode = "409", description = "The model cannot be exported in that format: a TorchScript model, "
            + "a mean or [CLS] model as hf, a pooler model as sentence-transformers")
    @ApiResponse(responseCode = "422", description = "format is not auto, hf, sentence-transformers or torchscript")
    @GetMapping(value = "/models/{id}/export")
    public void export(@PathVariable("id") String id,
                       @Parameter(description = "auto (default), hf, sentence-transformers or torchscript",
                               schema = @Schema(allowableValues = {"auto", "hf", "sentence-transformers",
                                   "torchscript"}))
                       @RequestParam(name = "format", required = false) String format,
                       HttpServletResponse response) throws IOException {
        String f = format == null ? "auto" : format.strip().toLowerCase(java.util.Locale.ROOT);
        if (!List.of("auto", "hf", "sentence-transformers", "torchscript").contains(f)) {
            throw ApiException.invalid("format", "format must be auto, hf, sentence-transformers or torchscript, got '"
                    + format + "'");
        }
        if (registry.find(id).isEmpty()) {
            throw ApiException.notFound("no model with id '" + id + "'");
        }
        if (registry.find(id).get().torchScript()) {
            throw ApiException.conflict(HfExport.torchScriptMessage(id));
        }
        ModelBundle bundle = registry.load(id);
        boolean sentenceTransformers = f.equals("sentence-transformers")
                || f.equals("auto") && SentenceTransformersExport.exportable(bundle);
        Map<String, byte[]> files;
        try {
            files = f.equals("torchscript") ? TorchScriptExport.files(bundle)
                    : sentenceTransformers ? SentenceTransformersExport.files(bundle) : HfExport.files(bundle);
        } catch (HfExport.NotExportableException e) {
            throw ApiException.conflict(e.getMessage());
        }
        // Compressed as it is sent: the archive itself is never held whole.
        response.setStatus(HttpStatus.OK.value());
        response.setContentType(GZIP);
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + id + ".tar.gz\"");
        Archives.writeTarGz(response.getOutputStream(), id, files);
    }

    private ResponseEntity<ModelRegistration> registerUpload(String id, InputStream body, ModelImporter.Options options)
            throws IOException {
        return unpacked((dir, lease) -> {
            unpack(body, dir, lease);
            return register(id, dir, options);
        });
    }

    /** What a registration does with a folder to unpack into and its share of the unpack budget. */
    @FunctionalInterface
    private interface UnpackedStep {
        ResponseEntity<ModelRegistration> run(Path dir, UnpackBudget.Lease lease) throws IOException;
    }

    /**
     * Runs {@code step} with a fresh folder under the upload folder and a lease on the shared unpack budget;
     * the folder is removed and the lease returned afterwards, whatever happens. Unpacking runs outside the
     * registration lock (a slow client would hold every registration up) but inside the budget.
     */
    private ResponseEntity<ModelRegistration> unpacked(UnpackedStep step) throws IOException {
        Path tmp = uploads.newFolder("model-");
        try (UnpackBudget.Lease lease = unpackBudget.open()) {
            return step.run(tmp, lease);
        } finally {
            uploads.remove(tmp);
        }
    }

    private long unpack(InputStream body, Path dir, UnpackBudget.Lease lease) throws IOException {
        try {
            return Archives.unpack(body, dir, limits, lease);
        } catch (Archives.ArchiveException e) {
            throw ApiException.invalid("body", e.getMessage());
        } catch (UnpackBudget.ExhaustedException e) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "body", e.getMessage(), e.capacity())
                    .retryAfter(UNPACK_RETRY_SECONDS);
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            // Archives words what it recognises; what is left is described without the decompressor's text.
            throw ApiException.invalid("body", "the archive is corrupt: its compressed data cannot be read");
        }
    }

    private ResponseEntity<ModelRegistration> register(String id, Path dir, ModelImporter.Options options) {
        synchronized (lock) {
            checkNewId(id);
            gates.checkTorchScript(dir);
            ModelImporter.Result r = ModelImporter.prepare(dir, id, options);
            ModelBundle stored = registry.add(r.bundle());
            if (stored.isTorchScript()) {
                log.info("registered TorchScript model {}", id);
            } else {
                log.info("registered model {} ({} parameters, {} ignored tensors)", id, r.parameters(),
                        r.ignoredTensors().size());
            }
            return ResponseEntity.status(HttpStatus.CREATED).location(URI.create("/models/" + id))
                    .body(ModelRegistration.of(stored, r, registry.sizeOnDisk(id)));
        }
    }

    private void checkNewId(String id) {
        if (id == null || id.isBlank()) {
            throw ApiException.invalid("id", "\"id\" is required");
        }
        if (!ModelCatalog.validId(id)) {
            throw ApiException.invalid("id", "id must be 1 to 64 of A-Z a-z 0-9 _ . - and not start with . _ or -");
        }
        if (registry.find(id).isPresent()) {
            throw ApiException.conflict("a model with id '" + id + "' already exists");
        }
    }
}
