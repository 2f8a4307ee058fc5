package dev.tagger.api;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** POST/GET/DELETE /datasets over real HTTP: formats, validation errors by line, size limit. */
class DatasetsApiTest extends JobTestBase {

    private static final String JSONL = """
            {"text": "I love it, thank you", "labels": ["joy", "love"]}
            {"text": "meh", "labels": []}
            {"text": "This makes me so angry!!", "labels": ["anger"]}
            {"text": "Best day ever", "labels": ["joy"]}
            """;

    private List<String> ids() throws Exception {
        List<String> out = new ArrayList<>();
        json(get("/datasets")).get("items").forEach(d -> out.add(d.get("id").asString()));
        return out;
    }

    @Test
    void aJsonlBodyIsStoredWithCountsLabelFrequenciesAndLengthPercentiles() throws Exception {
        HttpResponse<String> r = post("/datasets?name=feelings", JSONL, "application/jsonl");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode d = json(r);
        String id = d.get("id").asString();
        assertThat(r.headers().firstValue("Location")).contains("/datasets/" + id);
        assertThat(d.get("name").asString()).isEqualTo("feelings");
        assertThat(d.get("format").asString()).isEqualTo("jsonl");
        assertThat(d.get("rows").asInt()).isEqualTo(4);
        assertThat(d.get("labels").toString()).isEqualTo("[\"anger\",\"joy\",\"love\"]");
        assertThat(d.at("/label_counts/joy").asInt()).isEqualTo(2);
        assertThat(d.at("/label_frequencies/joy").asDouble()).isEqualTo(0.5);
        assertThat(d.get("unlabeled").asInt()).isEqualTo(1);
        assertThat(d.at("/text_length_chars/p50").asInt()).isEqualTo(13);
        assertThat(d.at("/text_length_chars/max").asInt()).isEqualTo(24);

        assertThat(json(get("/datasets/" + id))).isEqualTo(d);
        assertThat(ids()).contains(id);

        assertThat(delete("/datasets/" + id).statusCode()).isEqualTo(204);
        assertThat(get("/datasets/" + id).statusCode()).isEqualTo(404);
        assertThat(delete("/datasets/" + id).statusCode()).isEqualTo(404);
        assertThat(ids()).doesNotContain(id);
    }

    @Test
    void aCsvFileSentAsMultipartFormDataIsStoredUnderItsFileName() throws Exception {
        String csv = "text,labels\n\"Thanks, really\",gratitude\nwhatever,\n\"So funny; I cried\",amusement;joy\n";
        HttpResponse<String> r = post("/datasets", multipart("b0undary", new String[] {"file", "mood.csv", csv}),
                "multipart/form-data; boundary=b0undary");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode d = json(r);
        assertThat(d.get("name").asString()).isEqualTo("mood.csv");
        assertThat(d.get("format").asString()).isEqualTo("csv");
        assertThat(d.get("rows").asInt()).isEqualTo(3);
        assertThat(d.at("/label_counts/amusement").asInt()).isEqualTo(1);
        delete("/datasets/" + d.get("id").asString());
    }

    @Test
    void aGoEmotionsTsvIsReadWithTheLabelListItsIdsIndex() throws Exception {
        String tsv = "Ha, that is brilliant\t1\tid1\nSo angry right now\t2\tid2\nThank you!\t0,1\tid3\n";

        HttpResponse<String> missing = post("/datasets?name=go", tsv, "text/tab-separated-values");
        assertThat(missing.statusCode()).as(missing.body()).isEqualTo(422);
        assertThat(json(missing).get("field").asString()).isEqualTo("labels");

        HttpResponse<String> r = post("/datasets?name=go&labels=admiration,amusement,anger", tsv,
                "text/tab-separated-values");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode d = json(r);
        assertThat(d.get("format").asString()).isEqualTo("tsv");
        assertThat(d.at("/label_counts/amusement").asInt()).isEqualTo(2);
        assertThat(d.at("/label_counts/admiration").asInt()).isEqualTo(1);

        String labelsFile = "admiration\namusement\nanger";
        HttpResponse<String> multi = post("/datasets", multipart("xyz",
                        new String[] {"file", "train.tsv", tsv}, new String[] {"labels_file", "labels.txt", labelsFile}),
                "multipart/form-data; boundary=xyz");
        assertThat(multi.statusCode()).as(multi.body()).isEqualTo(201);
        assertThat(json(multi).get("labels").size()).isEqualTo(3);
        delete("/datasets/" + d.get("id").asString());
        delete("/datasets/" + json(multi).get("id").asString());
    }

    @Test
    void badRowsAreListedByLineAndNothingIsStored() throws Exception {
        List<String> before = ids();
        String bad = """
                {"text": "fine", "labels": ["joy"]}
                {"text": "   ", "labels": ["joy"]}
                {"text": "labels are wrong", "labels": "joy"}
                {"text": "unclosed
                {"text": "dup", "labels": ["joy", "joy"]}
                """;

        HttpResponse<String> r = post("/datasets?name=bad", bad, "application/jsonl");

        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("application/problem+json"));
        JsonNode p = json(r);
        assertThat(p.get("error_count").asInt()).isEqualTo(4);
        JsonNode errors = p.get("errors");
        assertThat(errors.size()).isEqualTo(4);
        assertThat(errors.get(0).get("line").asInt()).isEqualTo(2);
        assertThat(errors.get(0).get("field").asString()).isEqualTo("text");
        assertThat(errors.get(1).get("line").asInt()).isEqualTo(3);
        assertThat(errors.get(1).get("field").asString()).isEqualTo("labels");
        assertThat(errors.get(2).get("line").asInt()).isEqualTo(4);
        assertThat(errors.get(2).get("message").asString()).contains("not valid JSON");
        assertThat(errors.get(3).get("line").asInt()).isEqualTo(5);
        assertThat(errors.get(3).get("message").asString()).contains("more than once");
        assertThat(p.get("detail").asString()).contains("line 2");
        assertThat(ids()).isEqualTo(before);
    }

    @Test
    void anOverlongTextRefusesTheUploadUnlessLongTextsIsTruncate() throws Exception {
        String longText = "so long ".repeat(1_300);  // 10,400 characters; tagger.datasets.max-text-chars is 10,000
        String body = "{\"text\": \"short and sweet\", \"labels\": [\"joy\"]}\n{\"text\": \"" + longText
                + "\", \"labels\": [\"anger\"]}\n";

        HttpResponse<String> refused = post("/datasets?name=long", body, "application/jsonl");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
        assertThat(refused.body()).contains("10,400 characters").contains("\"line\":2");

        HttpResponse<String> cut = post("/datasets?name=long&long_texts=truncate", body, "application/jsonl");
        assertThat(cut.statusCode()).as(cut.body()).isEqualTo(201);
        JsonNode d = json(cut);
        assertThat(d.get("rows").asInt()).isEqualTo(2);
        assertThat(d.get("truncated_texts").asInt()).isEqualTo(1);
        assertThat(d.at("/text_length_chars/max").asInt()).isEqualTo(10_000);
        assertThat(json(get("/datasets/" + d.get("id").asString())).get("truncated_texts").asInt()).isEqualTo(1);
        delete("/datasets/" + d.get("id").asString());

        // the same as a multipart form field
        HttpResponse<String> form = post("/datasets", multipart("b0undary", new String[] {"file", "long.jsonl", body},
                new String[] {"long_texts", null, "TRUNCATE"}), "multipart/form-data; boundary=b0undary");
        assertThat(form.statusCode()).as(form.body()).isEqualTo(201);
        assertThat(json(form).get("truncated_texts").asInt()).isEqualTo(1);
        delete("/datasets/" + json(form).get("id").asString());

        HttpResponse<String> unknown = post("/datasets?long_texts=chunk", body, "application/jsonl");
        assertThat(unknown.statusCode()).isEqualTo(422);
        assertThat(json(unknown).get("field").asString()).isEqualTo("long_texts");
        assertThat(json(unknown).get("detail").asString()).contains("'reject' or 'truncate'");

        HttpResponse<String> plain = post("/datasets?name=ok", "{\"text\": \"fine\", \"labels\": []}\n",
                "application/jsonl");
        assertThat(json(plain).get("truncated_texts").asInt()).as("zero, not absent").isZero();
        delete("/datasets/" + json(plain).get("id").asString());
    }

    @Test
    void aFormatThatCannotBeToldOrIsUnknownIs422NamingTheFormat() throws Exception {
        HttpResponse<String> unknown = post("/datasets?format=xml", JSONL, "application/jsonl");
        assertThat(unknown.statusCode()).isEqualTo(422);
        assertThat(json(unknown).get("field").asString()).isEqualTo("format");

        HttpResponse<String> plain = post("/datasets", JSONL, "text/plain");
        assertThat(plain.statusCode()).isEqualTo(422);
        assertThat(json(plain).get("detail").asString()).contains("jsonl, csv or tsv");

        HttpResponse<String> explicit = post("/datasets?format=jsonl&name=plain", JSONL, "text/plain");
        assertThat(explicit.statusCode()).as(explicit.body()).isEqualTo(201);
        delete("/datasets/" + json(explicit).get("id").asString());

        HttpResponse<String> form = post("/datasets?format=jsonl", "a=b", "application/x-www-form-urlencoded");
        assertThat(form.statusCode()).isEqualTo(415);
    }

    @Test
    void anUploadOverTheSizeLimitIs413WithTheLimit() throws Exception {
        // tagger.datasets.max-bytes is 512KB in the test profile
        String line = "{\"text\": \"" + "x".repeat(1000) + "\", \"labels\": []}\n";
        String big = line.repeat(600);

        HttpResponse<String> raw = post("/datasets?name=big", big, "application/jsonl");
        assertThat(raw.statusCode()).isEqualTo(413);
        assertThat(json(raw).get("limit").asLong()).isGreaterThanOrEqualTo(512 * 1024);

        HttpResponse<String> multi = post("/datasets", multipart("b", new String[] {"file", "big.jsonl", big}),
                "multipart/form-data; boundary=b");
        assertThat(multi.statusCode()).isEqualTo(413);

        // Just over the limit, within the multipart slack: the store's own count answers.
        String justOver = line.repeat(525);
        HttpResponse<String> over = post("/datasets?name=over", justOver, "application/jsonl");
        assertThat(over.statusCode()).as(over.body()).isEqualTo(413);
        assertThat(json(over).get("limit").asLong()).isEqualTo(512 * 1024);
    }

    @Test
    void theOpenApiDescriptionNamesTheSchemaAndTheRealStatusCodesOfEveryDatasetOperation() throws Exception {
        JsonNode api = json(get("/v3/api-docs", NO_KEY));
        JsonNode upload = api.at("/paths/~1datasets/post");
        assertThat(upload.at("/requestBody/content").propertyNames()).containsExactlyInAnyOrder(
                "multipart/form-data", "application/jsonl", "text/csv", "text/tab-separated-values");
        assertThat(upload.at("/requestBody/content/multipart~1form-data/schema/properties").propertyNames())
                .contains("file", "labels_file");
        assertThat(upload.at("/responses").propertyNames())
                .containsExactlyInAnyOrder("201", "401", "403", "413", "415", "422");
        assertThat(upload.at("/responses/201/headers/Location").isMissingNode()).isFalse();
        assertThat(upload.at("/responses/422/content/application~1problem+json/example/errors").size()).isEqualTo(2);
        String dataset = upload.at("/responses/201/content/application~1json/schema/$ref").asString();
        assertThat(dataset).isEqualTo("#/components/schemas/Dataset");

        JsonNode list = api.at("/paths/~1datasets/get");
        assertThat(list.at("/responses").propertyNames()).containsExactlyInAnyOrder("200", "401", "403");
        assertThat(list.at("/responses/200/content/application~1json/schema/$ref").asString())
                .isEqualTo("#/components/schemas/DatasetList");
        JsonNode one = api.at("/paths/~1datasets~1{id}/get");
        assertThat(one.at("/responses").propertyNames()).containsExactlyInAnyOrder("200", "401", "403", "404");
        assertThat(one.at("/responses/200/content/application~1json/schema/$ref").asString()).isEqualTo(dataset);
        JsonNode delete = api.at("/paths/~1datasets~1{id}/delete");
        assertThat(delete.at("/responses").propertyNames())
                .containsExactlyInAnyOrder("204", "401", "403", "404", "409");

        // The schema names exactly the fields a client gets, in the same order.
        HttpResponse<String> r = post("/datasets?name=schema", JSONL, "application/jsonl");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode body = json(r);
        JsonNode schema = api.at("/components/schemas/Dataset/properties");
        assertThat(List.copyOf(schema.propertyNames())).isEqualTo(List.copyOf(body.propertyNames()));
        String lengths = schema.at("/text_length_chars/$ref").asString();
        assertThat(List.copyOf(api.at("/components/schemas/" + lengths.substring(lengths.lastIndexOf('/') + 1)
                + "/properties").propertyNames())).isEqualTo(List.copyOf(body.get("text_length_chars").propertyNames()));
        assertThat(api.at("/components/schemas/Dataset/example").isMissingNode()
                && schema.at("/id/example").isMissingNode()).as("an example").isFalse();
        delete("/datasets/" + body.get("id").asString());

        // A problem of the whole input has no field: the key is left out, not null.
        HttpResponse<String> empty = post("/datasets?name=empty", "\n", "application/jsonl");
        assertThat(empty.statusCode()).isEqualTo(422);
        assertThat(json(empty).get("errors").get(0).propertyNames()).containsExactly("line", "message");
    }
}
