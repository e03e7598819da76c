from li2verify.cli import main

main(prog_name="li2verify")
