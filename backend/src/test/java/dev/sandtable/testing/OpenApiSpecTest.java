package dev.sandtable.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The contract checker catches what it claims to catch (on a small spec of its own). */
class OpenApiSpecTest {
    static final String SPEC = """
            openapi: 3.0.0
            paths:
              /things/{id}:
                get:
                  responses:
                    "200":
                      content:
                        application/json:
                          schema:
                            $ref: "#/components/schemas/Thing"
                    "404":
                      $ref: "#/components/responses/NotFound"
                delete:
                  x-internal: true
                  responses:
                    "204":
                      description: gone
            components:
              responses:
                NotFound:
                  content:
                    application/json:
                      schema:
                        $ref: "#/components/schemas/Error"
              schemas:
                Error:
                  required: [code, message]
                  properties:
                    code: {type: integer, format: int32}
                    message: {type: string}
                Thing:
                  required: [id, at, state, tags]
                  properties:
                    id: {type: string}
                    at: {type: string, format: date-time}
                    state: {type: string, enum: [up, down]}
                    tags: {type: object, additionalProperties: {type: string}}
                    parent: {allOf: [{$ref: "#/components/schemas/Error"}], nullable: true}
                    strict: {type: object, additionalProperties: false, properties: {a: {type: integer}}}
            """;
    static final OpenApiSpec spec = OpenApiSpec.parse("test spec", SPEC);
    static final ObjectMapper json = new ObjectMapper();

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aConformingResponseHasNoViolations() {
        assertThat(spec.violations("GET", "/things/{id}", 200, "application/json; charset=utf-8",
                b("{\"id\":\"x\",\"at\":\"2026-11-23T10:00:00Z\",\"state\":\"up\",\"tags\":{\"k\":\"v\"},\"parent\":null,\"extra\":1}"))).isEmpty();
        assertThat(spec.violations("GET", "/things/{id}", 404, "application/json", b("{\"code\":404,\"message\":\"no\"}"))).isEmpty();
        assertThat(spec.violations("DELETE", "/things/{id}", 204, null, new byte[0])).isEmpty();
    }

    @Test
    void everyKindOfViolationIsNamed() {
        assertThat(spec.violations("GET", "/things/{id}", 200, "application/json",
                b("{\"at\":\"yesterday\",\"state\":\"maybe\",\"tags\":{\"k\":1},\"parent\":{\"code\":1.5},\"strict\":{\"b\":1}}")))
                .containsExactlyInAnyOrder("$.id is required but missing", "$.at is not an RFC 3339 date-time: yesterday",
                        "$.state is \"maybe\", not one of [\"up\",\"down\"]", "$.tags.k should be a string, is NUMBER",
                        "$.parent.message is required but missing", "$.parent.code should be an integer, is NUMBER 1.5",
                        "$.strict.b is not allowed");
        assertThat(spec.violations("GET", "/things/{id}", 500, "application/json", b("{}")))
                .containsExactly("status 500 is not documented for GET /things/{id} (documented: [200, 404])");
        assertThat(spec.violations("GET", "/things/{id}", 404, "text/plain", b("no")).getFirst()).contains("content type 'text/plain'");
        assertThat(spec.violations("DELETE", "/things/{id}", 204, null, b("x")).getFirst()).contains("documents no body");
        assertThat(spec.violations("GET", "/nothing", 200, null, null)).containsExactly("test spec does not define GET /nothing");
        assertThatThrownBy(() -> spec.assertResponse("GET", "/things/{id}", 404, "application/json", b("{\"code\":\"x\"}")))
                .isInstanceOf(AssertionError.class).hasMessageContaining("$.message is required");
    }

    @Test
    void operationsListsPublicOnesUnlessAskedForAll() throws Exception {
        assertThat(spec.operations(false)).containsExactly("GET /things/{id}");
        assertThat(spec.operations(true)).containsExactly("GET /things/{id}", "DELETE /things/{id}");
        JsonNode err = json.readTree("{\"code\":2147483648,\"message\":\"m\"}");
        assertThat(spec.validate(spec.schema("Error"), err)).containsExactly("$.code does not fit int32: 2147483648");
    }
}
