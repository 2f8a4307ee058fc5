package dev.tagger.api;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.SchemaProperty;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The OpenAPI text that {@link DatasetsController}'s operations share: POST /datasets is two handler methods (a
 * multipart upload and a raw body) that make one operation, so its description lives here once.
 */
final class DatasetsApiDocs {

    static final String NAME = "A name for people, at most 200 characters (default: the file's name, or 'upload')";
    static final String FORMAT = "jsonl, csv or tsv; by default the file name's ending, else the Content-Type "
            + "tells it";
    static final String LABELS = "The label list, comma-separated or repeated; required for tsv (its label ids "
            + "index it); without it the labels are those found, sorted";
    static final String LONG_TEXTS = "What a text longer than tagger.datasets.max-text-chars does: reject (the "
            + "default: the upload is refused, naming the line) or truncate (the text is cut to the limit and counted "
            + "in truncated_texts)";

    static final String DATASET_EXAMPLE = "{\"id\": \"mb2k9x1c-4fq8zr\", \"name\": \"feelings\", "
            + "\"created_at\": \"2025-03-04T05:06:07.123Z\", \"format\": \"jsonl\", \"bytes\": 214, \"rows\": 4, "
            + "\"labels\": [\"anger\", \"joy\", \"love\"], \"label_counts\": {\"anger\": 1, \"joy\": 2, \"love\": 1}, "
            + "\"label_frequencies\": {\"anger\": 0.25, \"joy\": 0.5, \"love\": 0.25}, \"unlabeled\": 1, "
            + "\"truncated_texts\": 0, "
            + "\"text_length_chars\": {\"p50\": 13, \"p90\": 24, \"p99\": 24, \"max\": 24}}";

    private static final String UPLOAD_PROBLEM_EXAMPLE = "{\"title\": \"Unprocessable Content\", \"status\": 422, "
            + "\"detail\": \"the dataset has 2 problem(s) and was not stored; first: line 2 [text]: text is blank\", "
            + "\"instance\": \"/datasets\", \"field\": \"text\", \"errors\": ["
            + "{\"line\": 2, \"field\": \"text\", \"message\": \"text is blank\"}, "
            + "{\"line\": 3, \"field\": \"labels\", \"message\": \"\\\"labels\\\" must be an array of strings, "
            + "found string\"}], \"error_count\": 2}";

    private DatasetsApiDocs() {
    }

    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @Operation(operationId = "uploadDataset", summary = "Upload a dataset", description = "JSONL ({\"text\": ..., \"labels\": [...]} a line), CSV "
            + "(a header naming 'text' and 'labels'; labels separated by ; | or ,) or GoEmotions TSV (text, label "
            + "ids, id; needs the label list), as multipart/form-data with a 'file' part or as the raw body. Every "
            + "row is checked; the dataset is stored only when no row has a problem. At most "
            + "tagger.datasets.max-bytes, max-rows, max-text-chars and max-labels. Needs an admin key.")
    @ApiResponse(responseCode = "201", description = "Stored; Location names it",
            headers = @Header(name = "Location", description = "/datasets/{id}", schema = @Schema(type = "string")),
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = DatasetResponse.class),
                    examples = @ExampleObject(value = DATASET_EXAMPLE)))
    @ApiResponse(responseCode = "413", description = "The upload is larger than tagger.datasets.max-bytes ('limit' "
            + "gives it)", content = @Content(mediaType = OpenApiConfig.PROBLEM_JSON,
            schema = @Schema(ref = OpenApiConfig.PROBLEM)))
    @ApiResponse(responseCode = "415", description = "A form-encoded body, which cannot carry a dataset",
            content = @Content(mediaType = OpenApiConfig.PROBLEM_JSON, schema = @Schema(ref = OpenApiConfig.PROBLEM)))
    @ApiResponse(responseCode = "422", description = "Nothing was stored: rows with problems ('errors' lists them by "
            + "line, at most 100; 'error_count' counts all), a limit passed, the format unknown or not told, no "
            + "'file' part, or the label list missing or invalid ('field' names it)",
            content = @Content(mediaType = OpenApiConfig.PROBLEM_JSON, schema = @Schema(ref = OpenApiConfig.PROBLEM),
                    examples = @ExampleObject(value = UPLOAD_PROBLEM_EXAMPLE)))
    @RequestBody(description = "The dataset as a multipart form (a 'file' part, and a 'labels_file' part for the "
            + "label list), or the file itself as the body, its Content-Type telling the format", required = true,
            content = {
                    @Content(mediaType = "multipart/form-data", schemaProperties = {
                            @SchemaProperty(name = "file", schema = @Schema(type = "string", format = "binary",
                                    description = "The dataset file; its name's ending (.jsonl, .csv, .tsv) tells "
                                            + "the format unless 'format' is given")),
                            @SchemaProperty(name = "labels_file", schema = @Schema(type = "string", format = "binary",
                                    description = "The label list as a file, one label a line (e.g. GoEmotions' "
                                            + "labels.txt)"))}),
                    @Content(mediaType = "application/jsonl", schema = @Schema(type = "string", format = "binary")),
                    @Content(mediaType = "text/csv", schema = @Schema(type = "string", format = "binary")),
                    @Content(mediaType = "text/tab-separated-values",
                            schema = @Schema(type = "string", format = "binary"))})
    @Forbidden
    @interface Upload {
    }

    @Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
    @Retention(RetentionPolicy.RUNTIME)
    @ApiResponse(responseCode = "404", description = "No dataset has this id", content = @Content(
            mediaType = OpenApiConfig.PROBLEM_JSON, schema = @Schema(ref = OpenApiConfig.PROBLEM)))
    @interface NotFound {
    }

    @Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
    @Retention(RetentionPolicy.RUNTIME)
    @ApiResponse(responseCode = "403", description = "The key is not an admin key", content = @Content(
            mediaType = OpenApiConfig.PROBLEM_JSON, schema = @Schema(ref = OpenApiConfig.PROBLEM)))
    @interface Forbidden {
    }
}
