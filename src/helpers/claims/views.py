"""The register's tables as a reader sees them: articles by outlet and date, claims by subject, amounts in
words, and the ids (claim ids, seed files) only in a final "ids" column. The saved CSVs keep every id."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from helpers import text, vocab


def article_words(row: Mapping[str, object]) -> str:
    """The article a claim (or any row with a ``seed_file``) was read from, as a reader knows it: outlet and
    date from the articles table (its headline and address are in the report's Sources); a seed the table
    does not describe by its file name."""
    from helpers.sources import seed_article

    article = seed_article(row)
    if not article.publisher:
        return article.name
    return f"{article.publisher}, {article.date}" if article.date else article.publisher


def named(words: object, claims: pd.DataFrame) -> str:
    """``words`` with each claim id in it ("restates claim pk-x") replaced by the claim's subject."""
    out = str(words or "")
    names = dict(zip(claims["id"].astype(str), claims["subject"].astype(str), strict=False))
    for claim_id in sorted(names, key=len, reverse=True):
        if claim_id and claim_id in out:
            out = out.replace(f"claim {claim_id}", f"the claim on {names[claim_id]}").replace(claim_id, names[claim_id])
    return out


def _seed_words(seed: object) -> str:
    return article_words({"seed_file": str(seed or "")})


def conversion_sentence(conversions: pd.DataFrame, claims: pd.DataFrame | None = None) -> str:
    """What was converted to US dollars and at which rates (so no conversion is silent); each claim named by
    its subject when ``claims`` is given."""
    if conversions.empty:
        return "All money amounts are stated in US dollars; nothing was converted."
    names = dict(zip(claims["id"], claims["subject"], strict=False)) if claims is not None else {}
    rates = "; ".join(f"{names.get(r.claim, r.claim)}: {vocab.base_unit(r.unit)} {r.per_usd:,.2f} per US$ on "
                      f"{r.rate_date} ({r.rate_source})" for r in conversions.itertuples())
    return f"{len(conversions)} amount(s) converted to US dollars at these rates: {rates}."


def conversions_view(conversions: pd.DataFrame, claims: pd.DataFrame) -> pd.DataFrame:
    """The conversions table in words: the claim's subject, the amount as stated, the rate with its date and
    source, the amount in US$; the claim id last."""
    names = dict(zip(claims["id"], claims["subject"], strict=False))
    return pd.DataFrame({
        "claim": [str(names.get(c, "")) for c in conversions["claim"]],
        "as stated": [text.amount(a, u) for a, u in zip(conversions["amount"], conversions["unit"], strict=True)],
        "as of": conversions["as_of"],
        "rate": [f"{vocab.base_unit(r.unit)} {r.per_usd:,.2f} per US$ on {r.rate_date} ({r.rate_source})"
                 for r in conversions.itertuples()],
        "in US$": [text.amount(a, "USD") for a in conversions["amount_usd"]],
        "ids": conversions["claim"],
    }, columns=["claim", "as stated", "as of", "rate", "in US$", "ids"])


def coverage_summary_view(summary: pd.DataFrame) -> pd.DataFrame:
    """Quantities per article by status, the article by outlet and date, its seed file last."""
    seeds = summary["seed_file"].astype(str)
    view = summary.drop(columns="seed_file").copy()
    view.insert(0, "article", [s if s == "all seeds" else _seed_words(s) for s in seeds])
    view.iloc[:, 0] = view.iloc[:, 0].replace("all seeds", "all articles")
    view["ids"] = ["" if s == "all seeds" else s for s in seeds]
    return view


def coverage_view(table: pd.DataFrame, claims: pd.DataFrame) -> pd.DataFrame:
    """Every quantity found, in words: the article, the text, what it is, and the claim (by subject and
    amount) or the reason that accounts for it; the seed file and claim id last."""
    by_id = {str(r["id"]): r for r in claims.to_dict("records")}

    def accounted(row) -> str:
        if row.status == "claim" and row.covered_by in by_id:
            claim = by_id[row.covered_by]
            return f"{claim['subject']}: {text.claim(claim)}"
        return named(row.reason or row.covered_by or "", claims)

    return pd.DataFrame({
        "article": table["seed_file"].map(_seed_words),
        "text": table["text"], "kind": table["kind"], "status": table["status"],
        "accounted for by": [accounted(r) for r in table.itertuples()],
        "ids": [", ".join(x for x in (str(r.seed_file), str(r.covered_by) if r.status == "claim" else "",
                                      f"offset {r.offset}") if x) for r in table.itertuples()],
    }, columns=["article", "text", "kind", "status", "accounted for by", "ids"])


def exclusions_view(exclusions: pd.DataFrame, claims: pd.DataFrame | None = None) -> pd.DataFrame:
    """Exclusions in words: the article, the text, its kind and the reason (a claim it names by its subject,
    when ``claims`` is given); seed file and offset last."""
    reasons = exclusions["reason"] if claims is None else exclusions["reason"].map(lambda r: named(r, claims))
    return pd.DataFrame({
        "article": exclusions["seed_file"].map(_seed_words),
        "text": exclusions["text"], "kind": exclusions["kind"], "reason": reasons,
        "ids": [f"{r.seed_file}, offset {r.offset}" for r in exclusions.itertuples()],
    }, columns=["article", "text", "kind", "reason", "ids"])


def register_summary(claims: pd.DataFrame, coverage: pd.DataFrame, checked_facts: int) -> list[str]:
    """What the register holds, in two sentences the register's page opens with: how many claims, from how
    many articles, how many targets and how many claims the reports check (every target against its record,
    ``checked_facts`` other claims against a figure of the same measure); and the coverage of the articles."""
    n, articles = len(claims), claims["seed_file"].nunique()
    targets = int(claims["claim_type"].eq("target").sum())
    status = coverage["status"]
    found, claimed = len(coverage), int(status.eq("claim").sum())
    excluded, uncovered = int(status.eq("excluded").sum()), int(status.eq("uncovered").sum())
    checked = (f"{text.number(targets + checked_facts)} of them are checked in the reports: "
               f"{'the target' if targets == 1 else f'all {text.number(targets)} targets'} against the record, and "
               f"{text.number(checked_facts)} other claim{'' if checked_facts == 1 else 's'} against an official or "
               "press-reported figure of the same measure.")
    first = (f"The register holds {text.number(n)} claim{'' if n == 1 else 's'} from {text.number(articles)} "
             f"article{'' if articles == 1 else 's'}, {text.number(targets)} of them targets; {checked}")
    whole = ("every number in every article is a claim or an explained exclusion" if uncovered == 0 else
             f"{text.number(uncovered)} number{'' if uncovered == 1 else 's'} in the articles "
             f"{'is' if uncovered == 1 else 'are'} neither a claim nor an explained exclusion yet")
    owners = coverage.loc[status.eq("claim"), "covered_by"].nunique()  # a target's year is its own quantity
    second = (f"Coverage: {whole}. The parser finds {text.number(found)} quantities in the articles: "
              f"{text.number(claimed)} belong to {text.number(owners)} claim{'' if owners == 1 else 's'} (a "
              f"target's year is a quantity of its claim) and {text.number(excluded)} are excluded with a reason.")
    return [first, second]
