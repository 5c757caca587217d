"""Example scenario files, installed with the package: `--scenario example:NAME`."""
