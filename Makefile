# The two commands a newcomer needs: `make run` and `make test`.
# Everything else builds on the same pinned venv.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# checkov has its own tool venv: its pins clash with the app's (requirements-checkov.txt).
CHECKOV_VENV := .venv-checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed
STAGE ?= dev
PYTEST_ARGS ?=
RUN_ARGS ?=

.PHONY: web browser-deps deploy-portal run test lint checkov bench bench-sweep bench-nearby package deploy new-province token mail staff-admin clean

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || "$$(scripts/find-python)" -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade 'pip<26.3'
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

$(CHECKOV_STAMP): requirements-checkov.txt
	@test -x $(CHECKOV_VENV)/bin/python || "$$(scripts/find-python)" -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-checkov.txt
	@touch $(CHECKOV_STAMP)

## The citizen portal (and any other front end listed in web/pages.js): web/dist, built by Vite from the
## committed package-lock.json (npm ci: the same modules on every machine; nothing fetched at run time).
WEB_SOURCES := $(shell find web -path web/node_modules -prune -o -path web/dist -prune -o -type f -print 2>/dev/null)
web: web/dist/index.html
web/node_modules/.package-lock.json: web/package-lock.json
	cd web && npm ci --no-audit --no-fund
web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SOURCES)
	cd web && npm run --silent build

## What the browser tests need: Debian's Chromium (Playwright's own browser download is not used).
browser-deps:
	@test -x /usr/bin/chromium || { echo "installing chromium for the browser tests"; \
		sudo -n true 2>/dev/null && SUDO=sudo; $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium; }

## Run the whole service locally: moto server, chalice local, event runner, the built portal.
## Several provinces side by side: make run STAGE="dev hue"; more options: RUN_ARGS="--port 9000 --tick 5".
run: $(STAMP) web
	$(BIN)/python -m devstack $(foreach s,$(STAGE),--stage $(s)) $(RUN_ARGS)

## Run lint, the layering contract, the type check, the whole test suite (unit, functional, integration, e2e),
## then each function's IAM role against the AWS calls that run recorded (build/iam-observed/, cleared first).
test: $(STAMP) web browser-deps
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy
	rm -rf build/iam-observed
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)
	$(BIN)/python -m pytest -q tests/integration/check_iam_policies.py
	$(MAKE) --no-print-directory checkov

## checkov over the packaged template (TEMPLATE_ONLY=1 make package): 0 failures not suppressed with a reason
## (in-line `Metadata: checkov: skip:` in infra/province.json / infra/build.py, or .checkov.yaml).
checkov: $(STAMP) $(CHECKOV_STAMP)
	$(BIN)/python -m infra.build --stage $(firstword $(STAGE)) --template-only
	BC_SKIP_MAPPING=TRUE $(CHECKOV_VENV)/bin/checkov --config-file .checkov.yaml --file build/$(firstword $(STAGE))/sam.json

## Each function's IAM role against the AWS calls the last test run recorded (see infra/README.md).
iam-check: $(STAMP)
	$(BIN)/python -m pytest -q tests/integration/check_iam_policies.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

## Print the performance figures (ratios measured side by side, AWS calls per operation).
## The full 100,000-report sweep bench takes ~6 min on 2 cores: make bench-sweep.
bench: $(STAMP) web
	$(BIN)/python bench/cold_import.py
	$(BIN)/python bench/first_request.py --imports
	$(BIN)/python bench/package_size.py
	$(BIN)/python bench/intake_calls.py
	$(BIN)/python bench/transition_calls.py
	$(BIN)/python bench/notify_calls.py
	$(BIN)/python bench/thumbnail.py
	$(BIN)/python bench/sweep.py --reports 10000 --due 50
	$(BIN)/python bench/cost.py
	$(BIN)/python bench/ward_lookup.py
	$(BIN)/python bench/directory_calls.py
	$(BIN)/python bench/support_calls.py
	$(BIN)/python bench/nearby.py --reports 10000 --queries 300
	$(BIN)/python bench/portal_weight.py
	$(BIN)/python bench/anonymise.py

bench-sweep: $(STAMP)
	$(BIN)/python bench/sweep.py

## The 100,000-report nearby bench (loading moto takes ~8 min on 2 cores).
bench-nearby: $(STAMP)
	$(BIN)/python bench/nearby.py

## Print a staff sign-in token from the running local stack (moto's Cognito):
##   make token USER=ward1.officer   (demo users are printed by `make run`; the moto URL comes from .devstack/endpoints.json)
token: $(STAMP)
	@$(BIN)/python -m devstack.token "$(USER)" --stage $(firstword $(STAGE))

## Drop an e-mail into the running local stack's inbox, as SES's receipt rule would (stored under inbound/,
## notified on the inbound-mail topic): make mail EML=tests/events/email_report_photo.eml [SPAM=FAIL]
EML ?= tests/events/email_report_photo.eml
SPAM ?= PASS
mail: $(STAMP)
	@$(BIN)/python -m devstack.mail "$(EML)" --stage $(firstword $(STAGE)) --spam $(SPAM)

## Package one province (or several: STAGE="daklak hue"): build/<stage>/sam.json + deployment.zip +
## imaging-layer.zip, `chalice package` with infra/ merged in, then the zip finished (infra/lambda_zip.py:
## bytecode compiled, Pillow moved to the layer). TEMPLATE_ONLY=1 skips the zips (same template, seconds).
package: $(STAMP)
	$(BIN)/python -m chalicelib.provinces.compile
	$(BIN)/python -m infra.build $(foreach s,$(STAGE),--stage $(s)) $(if $(TEMPLATE_ONLY),--template-only,)

## Deploy a packaged province with the AWS CLI (needs credentials; see infra/README.md):
##   make deploy STAGE=daklak DEPLOY_BUCKET=<artefacts bucket> [SES_SENDER=phananh@daklak.gov.vn]
deploy: package
	@test -n "$(DEPLOY_BUCKET)" || { echo "DEPLOY_BUCKET=<S3 bucket for code artefacts> is required"; exit 2; }
	aws cloudformation package --template-file build/$(STAGE)/sam.json --s3-bucket $(DEPLOY_BUCKET) \
		--s3-prefix phananh-$(STAGE) --use-json --output-template-file build/$(STAGE)/packaged.json
	aws cloudformation deploy --template-file build/$(STAGE)/packaged.json --stack-name phananh-$(STAGE) \
		--capabilities CAPABILITY_IAM CAPABILITY_AUTO_EXPAND --no-fail-on-empty-changeset \
		$(if $(SES_SENDER)$(STAFF_MFA),--parameter-overrides,) $(if $(SES_SENDER),SesSender=$(SES_SENDER),) \
		$(if $(STAFF_MFA),StaffMfa=$(STAFF_MFA),)
	$(MAKE) --no-print-directory deploy-portal STAGE=$(STAGE)

## Upload the built portal to the stage's portal bucket (hashed assets cached a year, pages revalidated), with
## the stage's /config.json (the API under /api, the console's Cognito and app client, from the stack's
## outputs: infra/portal_config.py), and refresh CloudFront's copy: make deploy-portal STAGE=daklak (part of
## make deploy).
STACK_OUTPUT = aws cloudformation describe-stacks --stack-name phananh-$(STAGE) --output text \
	--query "Stacks[0].Outputs[?OutputKey=='$(1)'].OutputValue"
deploy-portal: web $(STAMP)
	bucket=$$($(call STACK_OUTPUT,PortalBucketName)) && dist=$$($(call STACK_OUTPUT,PortalDistributionId)) && \
	pool=$$($(call STACK_OUTPUT,StaffUserPoolId)) && client=$$($(call STACK_OUTPUT,StaffConsoleClientId)) && \
	mkdir -p build/$(STAGE) && $(BIN)/python -m infra.portal_config --user-pool-id "$$pool" \
		--console-client-id "$$client" $(if $(TILE_URL),--tile-url '$(TILE_URL)' --tile-attribution '$(TILE_ATTRIBUTION)',) \
		> build/$(STAGE)/config.json && \
	aws s3 sync web/dist/assets "s3://$$bucket/assets" --cache-control "public, max-age=31536000, immutable" && \
	aws s3 sync web/dist "s3://$$bucket" --exclude "assets/*" --exclude config.json --cache-control "no-cache" \
		--delete && \
	aws s3 cp build/$(STAGE)/config.json "s3://$$bucket/config.json" --cache-control "no-cache" \
		--content-type application/json && \
	aws cloudfront create-invalidation --distribution-id "$$dist" --paths "/*" > /dev/null

## Disable, enable, regroup or sign out a staff user, refused by the API at once (scripts/staff_admin.py):
##   make staff-admin STAGE=daklak ARGS="disable ward1.officer"      (ARGS="--local revoke ward1.officer" on `make run`)
staff-admin: $(STAMP)
	$(BIN)/python scripts/staff_admin.py --stage $(firstword $(STAGE)) $(ARGS)

## Start a province: writes chalicelib/provinces/<slug>.json and its stage in .chalice/config.json, then compiles
## its wards (chalicelib/provinces/compiled/: the Lambda reads them instead of importing vietnam-provinces).
##   make new-province CODE=1   (any of the 34 codes; SLUG=... ID_PREFIX=... to choose)
new-province: $(STAMP)
	@test -n "$(CODE)" || { echo "CODE=<province code> is required, e.g. make new-province CODE=1"; exit 2; }
	$(BIN)/python scripts/new_province.py $(CODE) $(if $(SLUG),--slug $(SLUG),) $(if $(ID_PREFIX),--id-prefix $(ID_PREFIX),)
	$(BIN)/python -m chalicelib.provinces.compile

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) build .pytest_cache .ruff_cache
