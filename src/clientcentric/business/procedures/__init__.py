"""The assessment procedures around acts and drafts: ОРВ (summary report, ex-post evaluation), independent
anti-corruption expertise (АКЭ) and the 247-ФЗ checks of an act (article 10 elements, term of validity)."""
