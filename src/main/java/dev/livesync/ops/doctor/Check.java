package dev.livesync.ops.doctor;

/** One line of {@code doctor} output: a verdict, what was checked, and what to do about it. */
public record Check(Status status, String what, String detail) {
  public enum Status {
    OK,
    WARN,
    FAIL
  }

  public static Check ok(String what, String detail) {
    return new Check(Status.OK, what, detail);
  }

  public static Check warn(String what, String detail) {
    return new Check(Status.WARN, what, detail);
  }

  public static Check fail(String what, String detail) {
    return new Check(Status.FAIL, what, detail);
  }

  /** {@code "FAIL  what: detail"}, the verdict padded so the columns line up. */
  public String line() {
    return String.format("%-5s %s: %s", status, what, detail);
  }
}
