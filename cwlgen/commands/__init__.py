"""One module per `cwlgen` subcommand: each has add_arguments(parser) and run(args) -> int."""
