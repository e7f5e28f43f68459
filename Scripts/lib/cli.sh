# Sourced by Scripts/gen-* and Scripts/check-*: sets $bin to a built `sixnines`, building it once.
# The CLI is built with `swift build --product sixnines`, and not at all when the binary is newer than every file
# under Sources/ and Package.swift. SIXNINES_BIN=/path/to/sixnines uses that binary instead;
# SIXNINES_SCRATCH_PATH=DIR builds in DIR (swift build --scratch-path, default .build).
scratch=${SIXNINES_SCRATCH_PATH:-.build}
bin=${SIXNINES_BIN:-}
if [ -z "$bin" ]; then
  bin="$(swift build --scratch-path "$scratch" --show-bin-path)/sixnines"
  if [ ! -x "$bin" ] || [ -n "$(find Sources Package.swift -newer "$bin" -print -quit)" ]; then
    echo "==> swift build --product sixnines" >&2
    swift build --scratch-path "$scratch" --product sixnines >&2
  fi
fi
