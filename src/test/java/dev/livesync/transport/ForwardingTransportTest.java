package dev.livesync.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The guards wrap a target's transport through {@link ForwardingTransport}; a method of
 * {@link Transport} it does not pass on falls to the interface's default and silently changes what the
 * target does (a wrapper that left canRenameDirs to its default sent every directory renamed on a
 * daemon target again in full).
 */
class ForwardingTransportTest {
  @Test
  void everyMethodOfTransportIsPassedOn() {
    List<String> missing = new ArrayList<>();
    for (Method m : Transport.class.getMethods()) {
      if (Modifier.isStatic(m.getModifiers())) continue;
      try {
        if (ForwardingTransport.class.getMethod(m.getName(), m.getParameterTypes()).getDeclaringClass() == Transport.class) missing.add(m.getName());
      } catch (NoSuchMethodException e) {
        missing.add(m.getName());
      }
    }
    assertThat(missing).as("left to Transport's defaults").isEmpty();
  }
}
