"""The core that configures and runs the model: every parameter and its checks (`config`,
`checks`), presets and scenario files and what a user's files may hold (`presets`,
`scenarios`, `config_dirs`, `untrusted`), one run and the main job (`run`, `compare`), the
tables they write (`outputs`, `contract`, `measures`, `dashboard`) and the command (`cli`)."""
