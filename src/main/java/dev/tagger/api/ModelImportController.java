package dev.tagger.api;

import dev.tagger.catalog.ModelCatalog;
import dev.tagger.config.TaggerProperties;
import dev.tagger.io.AtomicFiles;
import dev.tagger.model.ModelBundle;
import dev.tagger.model.format.Archives;
import dev.tagger.model.format.HfExport;
import dev.tagger.model.format.ModelBundleIO;
import dev.tagger.model.format.ModelImporter;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
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
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ModelCatalog registry;
    private final Archives.Limits limits;
    private final Object lock = new Object();

    public ModelImportController(ModelCatalog registry, TaggerProperties props) {
        this.registry = registry;
        this.limits = new Archives.Limits(props.models().maxUnpackedBytes().toBytes(), props.models().maxEntries());
    }

    @Operation(summary = "Register a Hugging Face checkpoint from a directory on the server",
            description = "Body: {\"id\", \"path\", optional \"problem_type_override\": \"multi_label_classification\", "
                    + "\"threshold\" (all labels), \"thresholds\" {label: t}}. 201 with the validation report; 422 when "
                    + "the checkpoint is refused (the message names the missing or mis-shaped tensor); 409 when the id "
                    + "is taken. Needs the admin key.")
    @PostMapping(value = "/models", consumes = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<Map<String, Object>> registerPath(@RequestBody JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.invalid("body", "the body must be a JSON object with \"id\" and \"path\"");
        }
        String id = text(body, "id");
        String path = text(body, "path");
        if (path == null || path.isBlank()) {
            throw ApiException.invalid("path", "\"path\" (a checkpoint directory on the server) is required; "
                    + "to upload the files, POST a zip or tar.gz instead");
        }
        Path dir = Path.of(path);
        if (!Files.isDirectory(dir)) {
            throw ApiException.invalid("path", "'" + path + "' is not a directory on the server");
        }
        Map<String, Float> thresholds = new LinkedHashMap<>();
        JsonNode th = body.path("thresholds");
        if (!th.isMissingNode() && !th.isNull()) {
            if (!th.isObject()) {
                throw ApiException.invalid("thresholds", "\"thresholds\" must be an object {label: threshold}");
            }
            for (Map.Entry<String, JsonNode> e : th.properties()) {
                thresholds.put(e.getKey(), number(e.getValue(), "thresholds." + e.getKey()));
            }
        }
        JsonNode global = body.path("threshold");
        Float threshold = global.isMissingNode() || global.isNull() ? null : number(global, "threshold");
        ModelImporter.Options options = new ModelImporter.Options(text(body, "problem_type_override"), threshold,
                thresholds, dir.toAbsolutePath().normalize().toString());
        return register(id, dir, options);
    }

    @Operation(summary = "Register an uploaded Hugging Face checkpoint (zip, tar or tar.gz body)",
            description = "Query: id, optional problem_type_override, threshold, thresholds (a JSON object). The archive "
                    + "holds config.json, model.safetensors and tokenizer.json, at the top or in one folder. Needs the admin key.")
    @PostMapping(value = "/models", consumes = {"application/zip", "application/x-zip-compressed", "application/x-tar",
            "application/gzip", "application/x-gzip", "application/x-compressed-tar", "application/octet-stream"})
    public ResponseEntity<Map<String, Object>> registerArchive(
            @RequestParam(name = "id", required = false) String id,
            @RequestParam(name = "problem_type_override", required = false) String override,
            @RequestParam(name = "threshold", required = false) Float threshold,
            @RequestParam(name = "thresholds", required = false) String thresholds,
            HttpServletRequest request) throws IOException {
        checkNewId(id);
        return registerUpload(id, request.getInputStream(), new ModelImporter.Options(override, threshold,
                parseThresholds(thresholds), "upload"));
    }

    @Operation(summary = "Register an uploaded Hugging Face checkpoint (multipart part \"file\": zip, tar or tar.gz)")
    @PostMapping(value = "/models", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    public ResponseEntity<Map<String, Object>> registerMultipart(
            @RequestPart(name = "file", required = false) MultipartFile file,
            @RequestParam(name = "id", required = false) String id,
            @RequestParam(name = "problem_type_override", required = false) String override,
            @RequestParam(name = "threshold", required = false) Float threshold,
            @RequestParam(name = "thresholds", required = false) String thresholds) throws IOException {
        if (file == null || file.isEmpty()) {
            throw ApiException.invalid("file", "the multipart part \"file\" (a zip, tar or tar.gz checkpoint) is required");
        }
        checkNewId(id);
        try (InputStream in = file.getInputStream()) {
            return registerUpload(id, in, new ModelImporter.Options(override, threshold, parseThresholds(thresholds),
                    "upload:" + (file.getOriginalFilename() == null ? "file" : file.getOriginalFilename())));
        }
    }

    @Operation(summary = "Export a model as a Hugging Face checkpoint (tar.gz)",
            description = "config.json (BertForSequenceClassification, multi_label_classification), model.safetensors "
                    + "(F32, every tensor, bert.* and classifier.*), tokenizer.json, thresholds.json, card.json. "
                    + "409 for models whose pooling BertForSequenceClassification cannot express (mean, cls). "
                    + "Needs the admin key.")
    @GetMapping(value = "/models/{id}/export")
    public ResponseEntity<byte[]> export(@PathVariable("id") String id) {
        if (registry.find(id).isEmpty()) {
            throw ApiException.notFound("no model with id '" + id + "'");
        }
        if (registry.find(id).get().torchScript()) {
            throw ApiException.conflict(HfExport.torchScriptMessage(id));
        }
        ModelBundle bundle = registry.load(id);
        byte[] archive;
        try {
            archive = Archives.tarGz(id, HfExport.files(bundle));
        } catch (HfExport.NotExportableException e) {
            throw ApiException.conflict(e.getMessage());
        }
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType("application/gzip"))
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + id + ".tar.gz\"")
                .body(archive);
    }

    private ResponseEntity<Map<String, Object>> registerUpload(String id, InputStream body, ModelImporter.Options options)
            throws IOException {
        Path tmp = Files.createTempDirectory("tagger-model-upload-");
        try {
            try {
                Archives.unpack(body, tmp, limits);
            } catch (Archives.ArchiveException e) {
                throw ApiException.invalid("body", e.getMessage());
            } catch (java.util.zip.ZipException | java.io.EOFException e) {
                throw ApiException.invalid("body", "the archive is corrupt: " + e.getMessage());
            }
            return register(id, tmp, options);
        } finally {
            try {
                AtomicFiles.deleteRecursively(tmp);
            } catch (IOException e) {
                log.warn("cannot remove the upload directory {}: {}", tmp, e.toString());
            }
        }
    }

    private ResponseEntity<Map<String, Object>> register(String id, Path dir, ModelImporter.Options options) {
        synchronized (lock) {
            checkNewId(id);
            ModelImporter.Result r = ModelImporter.prepare(dir, id, options);
            ModelBundle stored = registry.add(r.bundle());
            if (stored.isTorchScript()) {
                log.info("registered TorchScript model {}", id);
            } else {
                log.info("registered model {} ({} parameters, {} ignored tensors)", id, r.parameters(),
                        r.ignoredTensors().size());
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("id", stored.id());
            out.put("version", stored.version());
            out.put("labels", stored.labels());
            out.put("thresholds", stored.thresholdMap());
            out.put("format", stored.isTorchScript() ? ModelBundleIO.TORCHSCRIPT : "tagger");
            out.put("pooling", stored.isTorchScript() ? null : stored.pooling().key());
            out.put("max_tokens", stored.maxTokens());
            out.put("problem_type", ModelImporter.MULTI_LABEL);
            out.put("parameters", stored.isTorchScript() ? null : r.parameters());
            out.put("size_on_disk_bytes", registry.sizeOnDisk(id));
            out.put("ignored_tensors", r.ignoredTensors());
            Map<String, Object> probe = new LinkedHashMap<>();
            probe.put("latency_ms", Math.round(r.probeMillis() * 1000) / 1000.0);
            probe.put("probabilities", r.probe());
            out.put("probe", probe);
            out.put("deploy", "/models/" + id + "/deploy");
            return ResponseEntity.status(HttpStatus.CREATED).location(URI.create("/models/" + id)).body(out);
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

    private static String text(JsonNode body, String field) {
        JsonNode n = body.path(field);
        if (n.isMissingNode() || n.isNull()) {
            return null;
        }
        if (!n.isString()) {
            throw ApiException.invalid(field, "\"" + field + "\" must be a string");
        }
        return n.asString();
    }

    private static Float number(JsonNode n, String field) {
        if (!n.isNumber()) {
            throw ApiException.invalid(field, "\"" + field + "\" must be a number in [0, 1]");
        }
        return (float) n.asDouble();
    }

    private static Map<String, Float> parseThresholds(String json) {
        Map<String, Float> out = new LinkedHashMap<>();
        if (json == null || json.isBlank()) {
            return out;
        }
        JsonNode n;
        try {
            n = JSON.readTree(json);
        } catch (RuntimeException e) {
            throw ApiException.invalid("thresholds", "\"thresholds\" must be a JSON object {label: threshold}");
        }
        if (!n.isObject()) {
            throw ApiException.invalid("thresholds", "\"thresholds\" must be a JSON object {label: threshold}");
        }
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            out.put(e.getKey(), number(e.getValue(), "thresholds." + e.getKey()));
        }
        return out;
    }
}
