# Chợ Xã — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi.py

.PHONY: run test install translations db demo bench bench-search clean messages

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/activate requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

translations: install
	$(BIN)/pybabel compile --use-fuzzy --statistics -d marketplace/translations

db: install translations
	FLASK_DEBUG=1 $(BIN)/flask db upgrade

demo: db
	FLASK_DEBUG=1 $(BIN)/flask seed-demo

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
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o marketplace/translations/messages.pot .
	$(BIN)/pybabel update -i marketplace/translations/messages.pot -d marketplace/translations

# Search latency at scale (not a test): N products, Whoosh and, with BENCH_DATABASE_URL, PostgreSQL.
N ?= 100000
bench-search: install
	N=$(N) $(BIN)/python bench/search_bench.py
