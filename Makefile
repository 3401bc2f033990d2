# Two entry points for people: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TSTAMP := $(VENV)/.installed-test

.PHONY: run test install install-test audio lint typecheck pytest fuzz bench clean

run: install
	@# Sound could not be built last time but the ALSA headers are there now: try again.
	@if ! $(BIN)/python -c "import simpleaudio" 2>/dev/null && [ -e /usr/include/alsa/asoundlib.h ]; then \
		$(MAKE) -s audio; fi
	@$(BIN)/backtimer

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --upgrade pip
	@$(BIN)/python -m pip install -q -e .
	@$(MAKE) -s audio
	@touch $@

# Sound is optional: simpleaudio compiles against the ALSA headers. When it
# cannot be built we say so and go on; backtimer then falls back to a command-line
# player, the terminal bell, or silence.
audio:
	@if $(BIN)/python -m pip install -q -e '.[audio]' >$(VENV)/audio-install.log 2>&1; then \
		echo "backtimer: sound support installed (simpleaudio)."; \
	else \
		echo "backtimer: could not build simpleaudio (on Debian/Ubuntu: sudo apt-get install gcc libasound2-dev, then 'make run' again)."; \
		echo "backtimer: installing without it; cues fall back to aplay/paplay, the terminal bell, or silence. Details: $(VENV)/audio-install.log"; \
	fi

install-test: $(TSTAMP)

$(TSTAMP): $(STAMP) pyproject.toml
	@$(BIN)/python -m pip install -q -e '.[test]'
	@touch $@

lint: install-test
	$(BIN)/ruff check backtimer tests bench
	$(BIN)/ruff format --check backtimer tests bench

typecheck: install-test
	$(BIN)/mypy

pytest: install-test
	$(BIN)/pytest

test: lint typecheck pytest

# The long fuzz run of the routine format (minutes; before a release). `make test` runs a
# short pass of the same tests.
fuzz: install-test
	BACKTIMER_FUZZ_EXAMPLES=3000 $(BIN)/pytest tests/test_fuzz_routines.py -q

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
