package io.kerec.api;

import io.kerec.observe.Meters;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.RequestUtils;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.openapi.validation.impl.RequestValidatorImpl;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Validates each {@code /v1} request against its operation of {@code openapi.yaml} (vertx-openapi), before the
 * route's handler sees it: each route takes {@link #of} its operation. A request that does not fit ends with 400 and
 * the API's JSON error, whose field is the parameter, {@code body}, or a body path such as {@code [3].itemId}.
 * <p>
 * Parameters and body are checked by vertx-openapi's own per-parameter and body validation, on the event loop and with
 * each schema's validator built once ({@link CachedSchemas}): its request-level entry point builds every validator
 * afresh, copying the whole schema repository, and hops to a worker thread, which cost more than the recommendation
 * it guarded. Plain parameters that surely fit their schema skip it ({@link SimpleParameters}).
 */
final class OpenApiValidation {
  /** Classpath location of the contract, also served at {@code /openapi.yaml}. */
  static final String CONTRACT = "openapi.yaml";

  private static final Pattern PARAMETER = Pattern.compile("parameter (\\S+?)[ .:]");
  private static final Pattern REQUIRED = Pattern.compile("required propert\\w* \"?'?([^\"' ,\\]]+)");

  private final OpenAPIContract contract;
  private final RequestValidatorImpl validator;
  private final SimpleParameters plain;
  private final Counter rejected = Meters.registry().counter("kerec.http.invalid_requests");

  private OpenApiValidation(OpenAPIContract contract, RequestValidatorImpl validator) {
    this.contract = contract;
    this.validator = validator;
    this.plain = SimpleParameters.of(contract);
  }

  /** Loads the bundled contract. */
  static Future<OpenApiValidation> load(Vertx vertx) {
    return OpenAPIContract.from(vertx, CONTRACT)
        .map(contract -> new OpenApiValidation(contract, new RequestValidatorImpl(vertx, new CachedSchemas(contract))));
  }

  /**
   * The validation of one operation of the contract, for the route that serves it. A request whose parameters are
   * all plain and surely fit ({@link SimpleParameters}), with no body to check, passes at once; any other is
   * validated in full.
   *
   * @throws IllegalArgumentException if the contract has no such operation
   */
  Handler<RoutingContext> of(String operationId) {
    Operation operation = contract.operation(operationId);
    if (operation == null) {
      throw new IllegalArgumentException("openapi.yaml has no operation " + operationId);
    }
    boolean shortcut = operation.getRequestBody() == null
        && operation.getParameters().stream().allMatch(plain::covers);
    return ctx -> {
      if (shortcut && plainValuesFit(operation, ctx)) {
        ctx.next();
        return;
      }
      validateInFull(operation, ctx);
    };
  }

  private static String raw(Parameter parameter, RoutingContext ctx) {
    return switch (parameter.getIn()) {
      case PATH -> ctx.pathParam(parameter.getName());
      case QUERY -> ctx.queryParams().get(parameter.getName());
      case HEADER -> ctx.request().getHeader(parameter.getName());
      case COOKIE -> null;
    };
  }

  private boolean plainValuesFit(Operation operation, RoutingContext ctx) {
    for (Parameter parameter : operation.getParameters()) {
      String value = raw(parameter, ctx);
      if (value == null ? parameter.isRequired() : !plain.accepts(parameter, value)) {
        return false;
      }
    }
    return true;
  }

  private void validateInFull(Operation operation, RoutingContext ctx) {
    for (Parameter parameter : operation.getParameters()) {
      String problem = plain.stringProblem(parameter, raw(parameter, ctx));
      if (problem != null) {
        rejected.increment();
        ctx.response().setStatusCode(400).putHeader("content-type", "application/json")
            .end(new JsonObject().put("error", problem).put("field", parameter.getName()).encode());
        return;
      }
    }
    Buffer body = ctx.body() == null ? null : ctx.body().buffer();
    RequestUtils.extract(ctx.request(), operation, () -> Future.succeededFuture(body == null ? Buffer.buffer() : body))
        .map(request -> {
          validate(operation, asJson(request));
          return request;
        })
        .onSuccess(valid -> ctx.next())
        .onFailure(e -> {
          rejected.increment();
          JsonObject error = error(e);
          ctx.response().setStatusCode(400).putHeader("content-type", "application/json").end(error.encode());
        });
  }

  /** Each parameter of the operation, then the body; throws the first {@link ValidatorException}. */
  private void validate(Operation operation, ValidatableRequest request) {
    for (Parameter parameter : operation.getParameters()) {
      Map<String, RequestParameter> values = switch (parameter.getIn()) {
        case COOKIE -> request.getCookies();
        case HEADER -> request.getHeaders();
        case PATH -> request.getPathParameters();
        case QUERY -> request.getQuery();
      };
      RequestParameter value = values.get(parameter.getName());
      if (plain.isString(parameter) && value != null) {
        continue; // judged on its raw text before (validateInFull), not as vertx-openapi re-reads it
      }
      if (value == null || value.isNull() || !plain.accepts(parameter, String.valueOf(value.get()))) {
        validator.validateParameter(parameter, value);
      }
    }
    validator.validateBody(operation.getRequestBody(), request);
  }

  /**
   * The API reads every body as JSON whatever its declared content type (curl's {@code -d} says form data), so the
   * contract's JSON schema applies to it alike.
   */
  private static ValidatableRequest asJson(ValidatableRequest request) {
    return new ValidatableRequest() {
      @Override
      public String getContentType() {
        return "application/json";
      }

      @Override
      public Map<String, RequestParameter> getCookies() {
        return request.getCookies();
      }

      @Override
      public Map<String, RequestParameter> getHeaders() {
        return request.getHeaders();
      }

      @Override
      public Map<String, RequestParameter> getPathParameters() {
        return request.getPathParameters();
      }

      @Override
      public Map<String, RequestParameter> getQuery() {
        return request.getQuery();
      }

      @Override
      public RequestParameter getBody() {
        return request.getBody();
      }
    };
  }

  /** The JSON error for a failed validation: the reason and the field at fault. */
  static JsonObject error(Throwable e) {
    if (e instanceof SchemaValidationException schema && isBody(e.getMessage())) {
      OutputUnit deepest = deepest(schema.getOutputUnit());
      String field = field(deepest);
      String reason = deepest == null || deepest.getError() == null ? e.getMessage() : deepest.getError();
      return new JsonObject().put("error", reason).put("field", field);
    }
    if (e instanceof ValidatorException) {
      String message = e.getMessage();
      if (isBody(message)) {
        return new JsonObject().put("error", message).put("field", "body");
      }
      Matcher m = PARAMETER.matcher(message + " ");
      return new JsonObject().put("error", message).put("field", m.find() ? m.group(1) : null);
    }
    return new JsonObject().put("error", "malformed request: " + e.getMessage()).put("field", "body");
  }

  private static boolean isBody(String message) {
    return message != null && message.toLowerCase().contains("body");
  }

  /** The most specific error of a validation output: the one deepest in the instance, first of those. */
  private static OutputUnit deepest(OutputUnit unit) {
    List<OutputUnit> all = new ArrayList<>();
    collect(unit, all);
    OutputUnit best = null;
    for (OutputUnit u : all) {
      if (u.getError() != null && (best == null || depth(u) > depth(best))) {
        best = u;
      }
    }
    return best == null ? unit : best;
  }

  private static void collect(OutputUnit unit, List<OutputUnit> into) {
    if (unit == null) {
      return;
    }
    into.add(unit);
    if (unit.getErrors() != null) {
      unit.getErrors().forEach(u -> collect(u, into));
    }
  }

  private static int depth(OutputUnit unit) {
    String at = unit.getInstanceLocation() == null ? "" : unit.getInstanceLocation();
    int depth = at.isEmpty() ? 0 : at.split("/", -1).length;
    return depth + (unit.getError() != null && REQUIRED.matcher(unit.getError()).find() ? 1 : 0);
  }

  /** {@code /3/because/entity} → {@code [3].because.entity}; the body itself → {@code body}. */
  static String field(OutputUnit unit) {
    if (unit == null) {
      return "body";
    }
    String pointer = unit.getInstanceLocation() == null ? "" : unit.getInstanceLocation().replaceFirst("^#", "");
    StringBuilder field = new StringBuilder();
    for (String part : pointer.split("/")) {
      if (part.isEmpty()) {
        continue;
      }
      String name = part.replace("~1", "/").replace("~0", "~");
      if (name.chars().allMatch(Character::isDigit)) {
        field.append('[').append(name).append(']');
      } else {
        field.append(field.isEmpty() ? "" : ".").append(name);
      }
    }
    Matcher required = unit.getError() == null ? null : REQUIRED.matcher(unit.getError());
    if (required != null && required.find()) {
      field.append(field.isEmpty() ? "" : ".").append(required.group(1));
    }
    return field.isEmpty() ? "body" : field.toString();
  }
}
