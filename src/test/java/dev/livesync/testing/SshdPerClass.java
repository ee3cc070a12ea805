package dev.livesync.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link Sshd} on loopback for all the tests of a class: started before the first, stopped (by
 * its pid) after the last, even when they fail.
 *
 * <pre>{@code
 * @RegisterExtension static final SshdPerClass SSHD = new SshdPerClass();
 * ... SSHD.get().port() ...
 * }</pre>
 */
public final class SshdPerClass implements BeforeAllCallback, AfterAllCallback {
  private Sshd sshd;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    sshd = Sshd.start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (sshd != null) sshd.close();
    sshd = null;
  }

  public Sshd get() {
    if (sshd == null) throw new IllegalStateException("sshd not started: register with @RegisterExtension on a static field");
    return sshd;
  }
}
