"""A researcher's tools: parameter sweeps and their tables (`sweep`, `collect`), calibration,
validation against the design's targets, robustness over the assumed parameters, and the
policy search (`calibrate`, `validate`, `robustness`, `search`, `search_report`)."""
