# Sourced by .ci scripts: points JAVA_HOME at a JDK 21 or newer (the project targets Java 21).
java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 |
    awk -F'= ' '/java.specification.version/ {split($2, v, "."); print (v[1] == 1 ? v[2] : v[1]); exit}'
}
if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/java" ] || [ "$(java_major "$JAVA_HOME")" -lt 21 ]; then
  JAVA_HOME=""
  for candidate in /usr/lib/jvm/*; do
    if [ -x "$candidate/bin/javac" ] && [ "$(java_major "$candidate")" -ge 21 ]; then
      JAVA_HOME=$candidate
      break
    fi
  done
  if [ -z "$JAVA_HOME" ]; then
    echo "No JDK 21 or newer found (looked at JAVA_HOME and /usr/lib/jvm). Install a JDK 21 or newer (e.g. Eclipse Temurin, or openjdk-21-jdk-headless where your distribution packages it) and set JAVA_HOME." >&2
    exit 1
  fi
  export JAVA_HOME
fi
echo "using JDK at $JAVA_HOME (Java $(java_major "$JAVA_HOME"))"
