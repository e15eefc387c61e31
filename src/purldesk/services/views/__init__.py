"""Read models: one module per page or report, each a view dataclass built by one function from
a `Reader` (a read-only transaction), as one `Viewer` may see it.

Every contribution read here goes through `confidentiality.redact` (and a package's money through
`confidentiality.redact_attributions`), exactly as the API does; sums over contributions come from the
reader already folded by the same rule, so a hidden amount never enters a sum the viewer sees.
Templates and exports only format what they get.
"""
