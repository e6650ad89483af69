"""The CLI invocations whose JSON is pinned by golden files (captured before the
architecture move; see tests/golden/test_golden.py).

Each case is (name, argv). Paths are relative to the repository root; outputs
that write files go to a temporary folder substituted for ``{out}``.
"""

S = "sample_data/"
TX = S + "transactions.csv"
RV = S + "reviews_annotated.csv"
WN = S + "wine_imbalanced.csv"
ANN = "annotator_1,annotator_2,annotator_3,annotator_4"

CASES: list[tuple[str, list[str]]] = [
    ("report_transactions", ["report", TX, "--target", "is_fraud"]),
    ("report_transactions_auto", ["report", TX]),
    ("report_reviews", ["report", RV, "--target", "gold_label"]),
    ("report_wine", ["report", WN, "--target", "cultivar"]),
    ("report_population", ["report", S + "transactions_population.csv", "--target", "region"]),
    ("compare_wine", ["compare", WN, "--target", "cultivar", "--folds", "3", "--jobs", "1",
                      "--strategies", "none,class_weight,random_over,smote,random_under,threshold"]),
    ("compare_transactions", ["compare", TX, "--target", "is_fraud", "--folds", "3", "--jobs", "1",
                              "--subsample", "3000", "--strategies", "none,class_weight,threshold,random_over,smote"]),
    ("compare_wine_forest", ["compare", WN, "--target", "cultivar", "--folds", "3", "--jobs", "1",
                             "--model", "rf", "--strategies", "none,balanced_rf,smote_enn,tomek"]),
    ("fix_transactions_smote", ["fix", TX, "--target", "is_fraud", "--strategy", "smote",
                                "--test-size", "0.2", "-o", "{out}/fix.csv"]),
    ("fix_bad_output", ["fix", TX, "--target", "is_fraud", "--strategy", "smote", "-o", "{out}/fix.zip"]),
    ("bias_bad_group", ["bias", TX, "--group", "nope", "--expected", "a=1"]),
    ("agreement_bad_order", ["agreement", RV, "--annotators", ANN, "--level", "ordinal"]),
    ("fix_wine_under", ["fix", WN, "--target", "cultivar", "--strategy", "random_under", "-o", "{out}/fix.csv"]),
    ("fix_wine_threshold", ["fix", WN, "--target", "cultivar", "--strategy", "class_weight", "-o", "{out}/fixw.csv"]),
    ("bias_transactions_file", ["bias", TX, "--group", "region", "--reference",
                                S + "transactions_population.csv", "--target", "is_fraud"]),
    ("bias_transactions_typed", ["bias", TX, "--group", "device",
                                 "--expected", "desktop=0.3,mobile=0.6,tablet=0.1"]),
    ("bias_reviews", ["bias", RV, "--group", "product_category",
                      "--expected", "clothing=0.25,electronics=0.25,home=0.25,books=0.25"]),
    ("shift_transactions_wine", ["shift", TX, S + "transactions_population.csv", "--no-classifier"]),
    ("shift_transactions_self", ["shift", TX, TX, "--target", "is_fraud", "--classifier-rows", "1000"]),
    ("agreement_reviews", ["agreement", RV, "--annotators", ANN]),
    ("agreement_reviews_ordinal", ["agreement", RV, "--annotators", ANN, "--level", "ordinal",
                                   "--order", "negative,neutral,positive", "--bootstrap", "50",
                                   "--consensus", "dawid_skene"]),
    ("agreement_reviews_majority", ["agreement", RV, "--annotators", ANN, "--consensus", "majority"]),
    ("label_issues_reviews", ["label-issues", RV, "--target", "annotator_1"]),
    ("label_issues_wine", ["label-issues", WN, "--target", "cultivar", "--folds", "3"]),
    ("label_issues_transactions", ["label-issues", TX, "--target", "is_fraud", "--model", "hgb"]),
    ("weak_reviews", ["weak", RV, "--lfs", ANN, "--abstain", "", "--gold", "gold_label"]),
    ("weak_reviews_prior", ["weak", RV, "--lfs", ANN, "--abstain", "",
                            "--class-prior", "negative=0.3,neutral=0.3,positive=0.4"]),
]
