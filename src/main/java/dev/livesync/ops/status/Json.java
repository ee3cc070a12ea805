package dev.livesync.ops.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.livesync.LivesyncException;

/** The one ObjectMapper ops uses (records serialize as objects with their component names). */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
      .addMixIn(dev.livesync.sync.EngineStatus.Target.class, TargetJson.class);

  /**
   * A target's status as JSON: no rsync exit code (none failed yet in this process, or the last
   * failure had none: rsync killed, interrupted by a stop, or not started) is no {@code lastExitCode}
   * and no {@code lastExitMeaning}, rather than a made-up code.
   */
  private abstract static class TargetJson {
    @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = NoCode.class)
    abstract int lastExitCode();

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    abstract String lastExitMeaning();
  }

  /** Jackson's value filter: true (left out) for a code below 0. */
  private static final class NoCode {
    @Override
    public boolean equals(Object o) {
      return o instanceof Integer code && code < 0;
    }

    @Override
    public int hashCode() {
      return 0;
    }
  }

  private Json() {}

  public static String write(Object o) {
    try {
      return MAPPER.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String pretty(JsonNode n) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static JsonNode read(String text, String what) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new LivesyncException(what + " is not valid JSON: " + e.getOriginalMessage(), 1, e);
    }
  }

  public static String quote(String s) {
    return write(s);
  }
}
