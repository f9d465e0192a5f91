# The two commands of README.md. Both set themselves up from a fresh clone.
.PHONY: run test

run:  ## set up and serve the portal with demo data (embedded PostgreSQL, in-process tasks)
	scripts/run.sh

test:  ## set up and run the whole suite against throwaway PostgreSQL and Redis
	scripts/test.sh
