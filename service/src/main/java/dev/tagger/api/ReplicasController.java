package dev.tagger.api;

import dev.tagger.catalog.Replicas;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** GET /replicas: which version each replica serves, and since when (after a deploy: has every replica followed?). */
@RestController
@Tag(name = "models", description = "The models: which one is served")
public class ReplicasController {

    private final Replicas replicas;

    public ReplicasController(Replicas replicas) {
        this.replicas = replicas;
    }

    @Operation(summary = "Which version each replica serves", description = "Every replica that reported within the "
            + "last hour, this one first: its roles, the model id and version it serves, since when, and whether it "
            + "is alive. With local files there is one replica, this process. Needs an admin key.")
    @ApiResponse(responseCode = "200", description = "The replicas", content = @Content(
            mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = ReplicaList.class)))
    @ApiResponse(responseCode = "403", description = "The key is not an admin key")
    @ApiResponse(responseCode = "503", description = "The shared store cannot be reached (Retry-After)")
    @GetMapping(value = "/replicas", produces = MediaType.APPLICATION_JSON_VALUE)
    public ReplicaList list() {
        return ReplicaList.of(replicas.list());
    }
}
