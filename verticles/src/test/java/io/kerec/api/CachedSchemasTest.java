package io.kerec.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.json.schema.JsonSchema;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import org.junit.jupiter.api.Test;

class CachedSchemasTest {
  @Test
  void eachSchemaOfTheContractGetsOneValidatorWhichStillValidates() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      OpenAPIContract contract = OpenAPIContract.from(vertx, OpenApiValidation.CONTRACT)
          .toCompletionStage().toCompletableFuture().get();
      CachedSchemas cached = new CachedSchemas(contract);
      Operation op = contract.findOperation("/v1/users/u1/recommendations", io.vertx.core.http.HttpMethod.GET);
      Parameter k = op.getParameters().stream().filter(p -> p.getName().equals("k")).findFirst().orElseThrow();
      JsonSchema schema = k.getSchema();
      assertThat(cached.getSchemaRepository().validator(schema))
          .isSameAs(cached.getSchemaRepository().validator(schema));
      assertThat(contract.getSchemaRepository().validator(schema))
          .as("the library's repository builds a new one each time")
          .isNotSameAs(contract.getSchemaRepository().validator(schema));
      assertThat(cached.getSchemaRepository().validator(schema).validate(10).getValid()).isTrue();
      assertThat(cached.getSchemaRepository().validator(schema).validate(0).getValid()).isFalse();
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }
}
