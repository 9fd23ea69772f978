package dev.kvs.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 on a plain socket, for what a well-behaved client library will not do: broken or
 * partial requests, bodies where none belong, connections held idle or fed a byte at a time.
 */
public final class RawHttp implements AutoCloseable {
  private final Socket socket;

  public RawHttp(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(10_000);
  }

  public RawHttp send(String text) throws IOException {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  public RawHttp send(byte[] bytes) throws IOException {
    socket.getOutputStream().write(bytes);
    socket.getOutputStream().flush();
    return this;
  }

  /** The status code of the next response (its head and up to the end of what arrived is consumed), or -1 on close. */
  public int status() throws IOException {
    String head = head();
    return head.isEmpty() ? -1 : Integer.parseInt(head.substring(9, 12));
  }

  /** The next response's head (status line and headers), or "" when the server closed instead; its body is skipped. */
  public String head() throws IOException {
    String head = readHead();
    int length = head.isEmpty() ? -1 : contentLength(head);
    if (length > 0) {
      socket.getInputStream().readNBytes(length);
    }
    return head;
  }

  /** A whole response: status, head and body. */
  public record Response(int status, String head, byte[] body) {
    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /**
   * The next response in full, its body read by Content-Length (or to the end of the stream when
   * there is none); {@code withBody} false for the answer to a HEAD. Status -1 when the server
   * closed without answering.
   */
  public Response response(boolean withBody) throws IOException {
    Response response = nextResponse(withBody);
    while (response.status() >= 100 && response.status() < 200) {
      response = nextResponse(withBody); // "100 Continue" and other interim answers precede the real one
    }
    return response;
  }

  private Response nextResponse(boolean withBody) throws IOException {
    String head = readHead();
    if (head.isEmpty()) {
      return new Response(-1, head, new byte[0]);
    }
    int status = Integer.parseInt(head.substring(9, 12));
    if (!withBody || status < 200) {
      return new Response(status, head, new byte[0]);
    }
    int length = contentLength(head);
    InputStream in = socket.getInputStream();
    byte[] body = length >= 0 ? in.readNBytes(length) : in.readAllBytes();
    return new Response(status, head, body);
  }

  /** Up to and including the blank line that ends a response head; "" when the stream ends first. */
  private String readHead() throws IOException {
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        return "";
      }
      out.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  /** Whether the server has closed the connection: a read sees the end of the stream within {@code timeoutMs}. */
  public boolean closedByServer(int timeoutMs) throws IOException {
    int previous = socket.getSoTimeout();
    socket.setSoTimeout(timeoutMs);
    try {
      while (true) {
        int b = socket.getInputStream().read();
        if (b < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset by the server
    } finally {
      if (!socket.isClosed()) {
        socket.setSoTimeout(previous);
      }
    }
  }

  /** The Content-Length of a response head, or -1 when it has none. */
  private static int contentLength(String head) {
    for (String line : head.split("\r\n")) {
      if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
        return Integer.parseInt(line.substring(15).trim());
      }
    }
    return -1;
  }

  /** Closes with a reset (RST) instead of an orderly close, as a crashed client or a proxy would. */
  public void reset() throws IOException {
    socket.setSoLinger(true, 0);
    socket.close();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
