# Export groups of the SmallGroups library as JSON lines (one record per group) for li2verify.
#
# Run through `li2verify groups export` (which writes the settings below into a small prelude file and
# calls `gap -q -b prelude.g`), or by hand:
#
#   echo 'LI2_MIN_ORDER := 1;; LI2_MAX_ORDER := 64;; LI2_NONABELIAN := true;; LI2_MAX_DEGREE := 0;;
#         LI2_IDS := [];; LI2_OUT := "out.jsonl";; LI2_NAMES := "";;
#         Read("groups/export_smallgroups.g");; QUIT;;' > /tmp/p.g && gap -q -b /tmp/p.g
#
# Settings (all must be bound before this file is read):
#   LI2_MIN_ORDER, LI2_MAX_ORDER  range of orders exported (ignored when LI2_IDS is non-empty)
#   LI2_NONABELIAN                true: skip Abelian groups
#   LI2_MAX_DEGREE                0: no filter; d > 0: keep only groups whose largest irrep degree is <= d
#   LI2_IDS                       list of [order, id] pairs to export instead of a range (may be [])
#   LI2_OUT                       output path (JSON lines, written through OutputTextFile, no line wrapping)
#   LI2_NAMES                     "" or a file of cached StructureDescription names, lines "order<TAB>id<TAB>name";
#                                 groups found there skip StructureDescription (it costs up to 1.6 s per 2-group)
#   LI2_SKIP_NAMES_ABOVE          (optional) orders above this get name "SmallGroup(n,i)" unless cached
#
# Record fields (the first seven are the fields of the paper's own group collection file):
#   order, smallgroup_id (int), name (StructureDescription), table (0-based Cayley table over
#   AsSSortedList(G) with the identity first), index_base (0), irrep_degrees, num_irreps,
#   and for cross-checking: class_of (0-based class of each element, classes in GAP's character-table order),
#   class_sizes, conductor N, characters (rows in GAP's Irr order; a value is a list of
#   [e, num, den] terms meaning sum num/den * E(N)^e, or a plain integer), fs_indicators (GAP's Indicator(tbl, 2)),
#   is_abelian, gap_version.

LI2_NameCache := rec();;
if IsBound(LI2_NAMES) and LI2_NAMES <> "" and IsExistingFile(LI2_NAMES) then
  LI2_lines := SplitString(StringFile(LI2_NAMES), "\n");;
  for LI2_line in LI2_lines do
    LI2_f := SplitString(LI2_line, "\t");;
    if Length(LI2_f) = 3 then
      LI2_NameCache.(Concatenation(LI2_f[1], "_", LI2_f[2])) := LI2_f[3];;
    fi;
  od;
fi;
if not IsBound(LI2_SKIP_NAMES_ABOVE) then LI2_SKIP_NAMES_ABOVE := infinity;; fi;

LI2_JsonString := function(s)
  local r, c;
  r := "\"";
  for c in s do
    if c = '\"' or c = '\\' then Add(r, '\\'); fi;
    Add(r, c);
  od;
  Add(r, '\"');
  return r;
end;;

LI2_CycTerms := function(v, N)
  local coeffs, terms, i;
  if IsInt(v) then return v; fi;
  coeffs := CoeffsCyc(v, N);
  terms := [];
  for i in [1..N] do
    if coeffs[i] <> 0 then
      Add(terms, [i - 1, NumeratorRat(coeffs[i]), DenominatorRat(coeffs[i])]);
    fi;
  od;
  return terms;
end;;

LI2_ExportGroup := function(out, n, i)
  local G, els, e, mt, tbl, irr, cls, classof, c, x, N, chars, fs, degs, name, key, k;
  G := SmallGroup(n, i);
  if LI2_NONABELIAN and IsAbelian(G) then return false; fi;
  tbl := CharacterTable(G);
  irr := Irr(tbl);
  degs := List(irr, chi -> chi[1]);
  if LI2_MAX_DEGREE > 0 and Maximum(degs) > LI2_MAX_DEGREE then return false; fi;
  els := AsSSortedList(G);
  if els[1] <> One(G) then
    e := Position(els, One(G));
    els := Concatenation([els[e]], els{Difference([1..Length(els)], [e])});
  fi;
  mt := MultiplicationTable(els);
  cls := ConjugacyClasses(tbl);
  classof := ListWithIdenticalEntries(n, -1);
  for k in [1..Length(cls)] do
    for x in Elements(cls[k]) do
      classof[Position(els, x)] := k - 1;
    od;
  od;
  N := Conductor(Flat(List(irr, ValuesOfClassFunction)));
  chars := List(irr, chi -> List(ValuesOfClassFunction(chi), v -> LI2_CycTerms(v, N)));
  fs := Indicator(tbl, 2);
  key := Concatenation(String(n), "_", String(i));
  if IsBound(LI2_NameCache.(key)) then
    name := LI2_NameCache.(key);
  elif n > LI2_SKIP_NAMES_ABOVE then
    name := Concatenation("SmallGroup(", String(n), ",", String(i), ")");
  else
    name := StructureDescription(G);
  fi;
  PrintTo(out, "");
  AppendTo(out, "{\"order\": ", n, ", \"smallgroup_id\": ", i, ", \"name\": ", LI2_JsonString(name),
    ", \"index_base\": 0, \"irrep_degrees\": ", degs, ", \"num_irreps\": ", Length(irr),
    ", \"is_abelian\": ", IsAbelian(G), ", \"gap_version\": ", LI2_JsonString(GAPInfo.Version),
    ", \"class_of\": ", classof, ", \"class_sizes\": ", SizesConjugacyClasses(tbl),
    ", \"fs_indicators\": ", fs, ", \"conductor\": ", N, ", \"characters\": ", chars,
    ", \"table\": ", List(mt, row -> row - 1), "}\n");
  return true;
end;;

LI2_Run := function()
  local out, n, i, count, pairs, p;
  out := OutputTextFile(LI2_OUT, false);
  SetPrintFormattingStatus(out, false);
  count := 0;
  if Length(LI2_IDS) > 0 then
    pairs := LI2_IDS;
  else
    pairs := [];
    for n in [LI2_MIN_ORDER..LI2_MAX_ORDER] do
      for i in [1..NumberSmallGroups(n)] do Add(pairs, [n, i]); od;
    od;
  fi;
  for p in pairs do
    if LI2_ExportGroup(out, p[1], p[2]) then count := count + 1; fi;
  od;
  CloseStream(out);
  Print("li2verify export: ", count, " groups written to ", LI2_OUT, "\n");
end;;

LI2_Run();;
