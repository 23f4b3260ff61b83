# Chợ Xã — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi.py

.PHONY: run test install install-run translations db demo bench bench-trace bench-labels bench-search clean messages

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

# `make run` needs only the runtime packages; `make test` adds the test tools (Playwright...).
$(VENV)/.installed-run: $(BIN)/activate requirements.txt
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed: $(VENV)/.installed-run requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install-run: $(VENV)/.installed-run

install: $(VENV)/.installed

translations: install-run
	$(BIN)/pybabel compile --statistics -d marketplace/translations

db: install-run translations
	FLASK_DEBUG=1 $(BIN)/flask db upgrade

demo: db
	FLASK_DEBUG=1 $(BIN)/flask seed-demo
	FLASK_DEBUG=1 $(BIN)/flask search check >/dev/null 2>&1 || FLASK_DEBUG=1 $(BIN)/flask search reindex

run: demo
	FLASK_DEBUG=1 $(BIN)/flask run --host 127.0.0.1 --port 5000

test: install translations
	TEST_DATABASE_URL= $(BIN)/python -m pytest -q -p no:cacheprovider
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== PostgreSQL pass: $$TEST_DATABASE_URL"; \
		$(BIN)/python -m pytest -q -p no:cacheprovider -m "not sqlite_only"; \
	else \
		echo "== PostgreSQL pass skipped: TEST_DATABASE_URL is not set (CI sets it)."; \
	fi

clean:
	rm -rf $(VENV) instance

# Refresh the message catalog after changing UI strings; then translate the new entries in en/.
# A count goes through ngettext / lazy_ngettext (Vietnamese: singular and plural msgids alike).
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 -o marketplace/translations/messages.pot .
	$(BIN)/pybabel update -i marketplace/translations/messages.pot -d marketplace/translations

# Stamp-sheet PDF time for 1,000 stamps and trace page latency (a measurement, not a test).
bench-trace: install
	$(BIN)/python bench/trace_bench.py

# Seconds to print 100 shipping labels in one PDF, per format (a measurement, not a test).
bench-labels: install
	$(BIN)/python bench/labels_bench.py
# Search latency at scale (not a test): N products, Whoosh and, with BENCH_DATABASE_URL, PostgreSQL.
N ?= 100000
bench-search: install
	N=$(N) $(BIN)/python bench/search_bench.py

# Throughput, latency, work items, page weight and Lighthouse on this machine: one table and
# bench/results.json (a measurement, not a test). BENCH_PRODUCTS, BENCH_SECONDS, BENCH_DATABASE_URL
# (PostgreSQL; its tables are replaced) override the defaults; wrk is used when installed.
bench: install translations
	$(BIN)/python bench/bench.py
