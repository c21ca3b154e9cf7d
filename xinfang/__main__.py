"""`python -m xinfang` (and the bundled program): no arguments or `gui` opens the window,
anything else is the command line."""
import sys


def main() -> int:
    args = sys.argv[1:]
    if not args or args[0] == "gui" or (args[0] == "--db" and len(args) == 2):
        from xinfang.ui.app import main as gui_main
        return gui_main(args[1:] if args and args[0] == "gui" else args)
    from xinfang.cli.main import main as cli_main
    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
