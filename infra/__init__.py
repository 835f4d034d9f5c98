"""One province's CloudFormation resources and the build that merges them into `chalice package`."""
