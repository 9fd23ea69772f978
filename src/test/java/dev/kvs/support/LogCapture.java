package dev.kvs.support;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Collects what the service logs while it is open, to assert on levels and contents. */
public final class LogCapture implements AutoCloseable {
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  public LogCapture() {
    appender.start();
    root.addAppender(appender);
  }

  /** The events logged so far at {@code level} or above, from loggers whose name starts with {@code prefix}. */
  public List<ILoggingEvent> atLeast(Level level, String prefix) {
    synchronized (appender) { // the lock AppenderBase.doAppend holds while it adds to the list
      return appender.list.stream()
          .filter(e -> e.getLevel().isGreaterOrEqual(level) && e.getLoggerName().startsWith(prefix))
          .toList();
    }
  }

  /** Every line logged so far, formatted, with the stack traces' messages. */
  public String text() {
    StringBuilder sb = new StringBuilder();
    synchronized (appender) {
      for (ILoggingEvent e : appender.list) {
        sb.append(e.getLevel()).append(' ').append(e.getLoggerName()).append(" - ").append(e.getFormattedMessage()).append('\n');
        for (var t = e.getThrowableProxy(); t != null; t = t.getCause()) {
          sb.append("  ").append(t.getClassName()).append(": ").append(t.getMessage()).append('\n');
        }
      }
    }
    return sb.toString();
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
  }
}
