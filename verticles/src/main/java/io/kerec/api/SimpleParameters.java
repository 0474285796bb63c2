package io.kerec.api;

import io.vertx.json.schema.JsonSchema;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.contract.Style;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A shortcut past JSON-schema validation for the contract's plain parameters: a string with length bounds (any
 * value, counted in code points as JSON Schema counts), or an integer with value bounds, and nothing else in its schema. {@link #accepts} answers true only for a value the
 * schema surely accepts; anything else (a bound broken, an unusual number format, another kind of schema) is left
 * to the full validation, which also words the error.
 */
final class SimpleParameters {
  private static final Set<String> PLAIN_KEYWORDS =
      Set.of("type", "minimum", "maximum", "minLength", "maxLength", "default", "description");
  private static final Pattern PLAIN_INTEGER = Pattern.compile("-?(0|[1-9][0-9]{0,17})");

  private record Rule(boolean integer, long min, long max) {
  }

  private final Map<Parameter, Rule> rules = new IdentityHashMap<>();

  private SimpleParameters() {
  }

  /** The rules of every plain parameter of the contract's operations. */
  static SimpleParameters of(OpenAPIContract contract) {
    SimpleParameters out = new SimpleParameters();
    for (Operation operation : contract.operations()) {
      for (Parameter parameter : operation.getParameters()) {
        Rule rule = rule(parameter);
        if (rule != null) {
          out.rules.put(parameter, rule);
        }
      }
    }
    return out;
  }

  private static Rule rule(Parameter parameter) {
    JsonSchema schema = parameter.getSchema();
    if (schema == null || !PLAIN_KEYWORDS.containsAll(schema.fieldNames())
        || (parameter.getStyle() != Style.SIMPLE && parameter.getStyle() != Style.FORM)) {
      return null;
    }
    Object type = schema.get("type");
    if ("string".equals(type)) {
      return new Rule(false, bound(schema.get("minLength"), 0), bound(schema.get("maxLength"), Long.MAX_VALUE));
    }
    if ("integer".equals(type)) {
      return new Rule(true, bound(schema.get("minimum"), Long.MIN_VALUE), bound(schema.get("maximum"), Long.MAX_VALUE));
    }
    return null;
  }

  private static long bound(Object value, long otherwise) {
    if (value == null) {
      return otherwise;
    }
    if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      return n.longValue();
    }
    throw new IllegalArgumentException("a non-integral bound in the contract: " + value);
  }

  /** Whether the parameter is plain, so that {@link #accepts} may answer true. */
  boolean covers(Parameter parameter) {
    return rules.containsKey(parameter);
  }

  /** Whether the raw value surely satisfies the parameter's schema (false: validate it in full). */
  boolean accepts(Parameter parameter, String raw) {
    Rule rule = rules.get(parameter);
    if (rule == null || raw == null) {
      return false;
    }
    if (rule.integer()) {
      if (!PLAIN_INTEGER.matcher(raw).matches()) {
        return false;
      }
      long n = Long.parseLong(raw);
      return n >= rule.min() && n <= rule.max();
    }
    long length = raw.codePointCount(0, raw.length());
    return length >= rule.min() && length <= rule.max();
  }

  /**
   * Why a plain string parameter's raw value does not fit, or null when it fits or the parameter is not a plain
   * string (then the full validation decides). Strings are judged as they are: vertx-openapi would read
   * {@code 14286.0}, {@code true} or {@code null} as JSON first and refuse them as "not a string".
   */
  String stringProblem(Parameter parameter, String raw) {
    Rule rule = rules.get(parameter);
    if (rule == null || rule.integer() || raw == null || accepts(parameter, raw)) {
      return null;
    }
    return parameter.getName() + " must be " + rule.min() + " to " + rule.max() + " characters long";
  }

  /** Whether the parameter is a plain string, judged on its raw value alone. */
  boolean isString(Parameter parameter) {
    Rule rule = rules.get(parameter);
    return rule != null && !rule.integer();
  }
}
